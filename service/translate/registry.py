"""Which pairs this process can translate, and translating texts with them (direct or via en).

``Translators`` is built once per process. It scans ``models_dir`` cheaply (one directory
listing, at most every ``rescan_seconds``) so a model installed by ``kakehashi models install``
is used by a running server without a restart. Models load lazily on first use; a package
that is replaced gets a new engine, the old one is dropped.

A pair without a direct model is translated through English when both legs are installed, at
the sentence level (each sentence goes through both models), and the engine label names both
models: ``argos:ja-en:1.1>argos:en-ko:1.1``.

With a ``Glossary``, every term of a source sentence is protected on the way in and comes out
as the target language's term (``glossary``). A pivot uses the glossary's own source-target
terms, not a round trip through English: the first leg puts the final term in, and the
second leg keeps it as it is.
"""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

from ..core.config import Settings
from ..core.errors import TranslationUnavailable
from ..core.pivot import PIVOT
from ..core.pivot import routes as pair_routes
from ..text.sentences import joiner, split_lines
from ..text.sentences import split as split_sentences
from .engine import CPU, Device, Engine
from .glossary import Found, Glossary, carried_spans
from .packages import InstalledPackage, active_packages

# The models folder's mtime and its (name, link target) entries: what changes on install or remove.
Signature = tuple[int, tuple[tuple[str, str], ...]]


class Translators:
    def __init__(self, settings: Settings, rescan_seconds: float = 2.0, device: Device = CPU):
        self.settings = settings
        self.device = device
        self.models_dir = Path(settings.models_dir)
        self.rescan_seconds = rescan_seconds
        self._lock = threading.Lock()
        self._signature: Signature | None = None
        self._checked_at = float("-inf")
        self._engines: dict[tuple[str, str], Engine] = {}

    # -- what is installed -------------------------------------------------------------------
    def _directory_signature(self) -> Signature | None:
        """Changes whenever a package is installed, replaced or removed (names + link targets)."""
        try:
            stat = os.stat(self.models_dir)
            entries = tuple(sorted((entry.name, os.readlink(entry.path) if entry.is_symlink() else "")
                                   for entry in os.scandir(self.models_dir) if not entry.name.startswith(".")))
        except OSError:
            return None
        return stat.st_mtime_ns, entries

    def signature(self) -> Signature | None:
        """The models folder's current signature: the worker republishes engines when it moves."""
        return self._directory_signature()

    def refresh(self, force: bool = True) -> None:
        """Re-read the models folder (forced after an install in this process)."""
        with self._lock:
            now = time.monotonic()
            if not force and now - self._checked_at < self.rescan_seconds:
                return
            self._checked_at = now
            signature = self._directory_signature()
            if signature == self._signature and not force:
                return
            self._signature = signature
            packages = active_packages(self.models_dir)
            engines: dict[tuple[str, str], Engine] = {}
            for pair, package in packages.items():
                current = self._engines.get(pair)
                same = current is not None and (current.package.real_path, current.label) == (package.real_path,
                                                                                             package.engine)
                engines[pair] = current if current is not None and same else Engine(package, self.settings, self.device)
            self._engines = engines

    def _current(self) -> dict[tuple[str, str], Engine]:
        self.refresh(force=False)
        return self._engines

    def packages(self) -> list[InstalledPackage]:
        return [engine.package for engine in self._current().values()]

    def routes(self) -> dict[tuple[str, str], list[Engine]]:
        """For every translatable pair, the engines to apply in order (one, or two via English)."""
        return pair_routes(self._current())

    def engines(self) -> dict[tuple[str, str], str]:
        """The engine label of every pair this process can translate now."""
        return {pair: label_of(route) for pair, route in self.routes().items()}

    def describe(self) -> dict[str, Any]:
        """For /healthz and /api/v1/languages: installed pairs and pivots, no filesystem paths."""
        routes = self.routes()
        installed = [{"pair": f"{p.from_code}-{p.to_code}", "from": p.from_code, "to": p.to_code,
                      "version": p.version, "engine": p.engine, "size_bytes": p.size_bytes(),
                      "loaded": routes[p.pair][0].loaded}
                     for p in sorted(self.packages(), key=lambda p: p.pair)]
        pivots = [{"pair": f"{s}-{t}", "from": s, "to": t, "via": PIVOT, "engine": label_of(route)}
                  for (s, t), route in sorted(routes.items()) if len(route) > 1]
        return {"installed": installed, "pivots": pivots}

    # -- translating -------------------------------------------------------------------------
    def translate(self, source: str, target: str, texts: list[str],
                  progress: Callable[[int, int], None] | None = None,
                  glossary: Glossary | None = None) -> tuple[list[str], str]:
        """Translate texts; returns the translations (same order) and the engine label.

        Every sentence of every text goes to the model in one batched call per leg.
        ``progress(done, total)`` counts sentence-legs.
        """
        layout, unique = _split(texts, source)
        hypotheses, label = self.translate_hypotheses(source, target, unique, 1, progress, glossary)
        translated = dict(zip(unique, (ranked[0] for ranked in hypotheses), strict=True))
        return _join(layout, translated, target), label

    def translate_hypotheses(self, source: str, target: str, sentences: list[str], count: int = 1,
                             progress: Callable[[int, int], None] | None = None,
                             glossary: Glossary | None = None) -> tuple[list[list[str]], str]:
        """The ``count`` best translations of each sentence (split already), and the engine label.

        Through English, the first leg gives its best and the last leg its n-best. Protected spans
        come out verbatim on every leg (``Engine``).
        """
        route = self.routes().get((source, target))
        if route is None:
            raise TranslationUnavailable(f"no model installed for {source}-{target}")
        total = len(sentences) * len(route)
        current = list(sentences)

        def reporter(leg: int) -> Callable[[int], None] | None:
            if progress is None:
                return None
            report = progress
            return lambda done: report(leg * len(sentences) + done, total)

        pair = glossary.pair(source, target) if glossary is not None else None
        terms = [pair.spans(sentence) for sentence in sentences] if pair else None
        for leg, engine in enumerate(route[:-1]):
            current = engine.translate_sentences(current, progress=reporter(leg), **_terms(terms))
            if pair:
                terms = [carried_spans(text, pair.uses(sentence)) for text, sentence in zip(current, sentences, strict=True)]
        hypotheses = route[-1].translate_hypotheses(current, count, progress=reporter(len(route) - 1), **_terms(terms))
        return hypotheses, label_of(route)


def _terms(terms: list[list[Found]] | None) -> dict[str, list[list[Found]]]:
    """``terms=`` for an engine call only when some sentence has a glossary term, so a call
    without one looks exactly as it did before the glossary existed."""
    return {"terms": terms} if terms and any(terms) else {}


def label_of(route: list[Engine]) -> str:
    return ">".join(engine.label for engine in route)


def _split(texts: list[str], lang: str) -> tuple[list[list[list[str]]], list[str]]:
    """Per text, per line, its sentences; plus the distinct sentences in first-seen order."""
    layout: list[list[list[str]]] = []
    unique: dict[str, None] = {}
    for text in texts:
        lines = []
        for line in split_lines(text):
            sentences = split_sentences(line, lang)
            for sentence in sentences:
                unique.setdefault(sentence, None)
            lines.append(sentences)
        layout.append(lines)
    return layout, list(unique)


def _join(layout: list[list[list[str]]], translated: dict[str, str], lang: str) -> list[str]:
    glue = joiner(lang)
    return ["\n".join(glue.join(translated[s] for s in sentences if translated[s]) for sentences in lines)
            for lines in layout]


# Public names for the sentence memory, which splits and joins texts exactly as ``translate`` does.
split_texts = _split
join_texts = _join
