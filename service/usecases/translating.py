"""Translating texts on request (the LibreTranslate face's ``/translate``): what the face asks of a
translator, and the memory-first use case that answers it.

The face knows nothing about models, queues or the store: it calls a ``TranslationBackend``.
``MemoryFirstBackend`` answers from the sentence memory and hands only the sentences it has
never seen to an injected ``EngineCall`` (``service.translate.memory``): in a web process that
call must wait on the worker tier (web processes never load models); tests inject
``translators_call`` over tiny real packages.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Callable, Hashable, Protocol

from ..core.domain import source_hash
from ..core.errors import TranslationError, TranslationUnavailable
from ..store.memory import find_human_translations
from ..translate.memory import EngineCall, SentenceMemory, translate_texts
from ..usecases.documents import DocumentCache, Validity

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class PairUnavailable(LookupError):
    """No installed model translates this pair (directly or through English)."""


class BackendFailed(RuntimeError):
    """The translation could not be made (model error, worker timeout)."""


@dataclass(frozen=True)
class TranslationResult:
    text: str
    alternatives: tuple[str, ...] = ()
    engine: str | None = None
    provenance: str = "machine"           # or "human": a translator's own text for exactly this source text


class TranslationBackend(Protocol):
    def pairs(self) -> set[tuple[str, str]]:
        """The (source, target) pairs translatable now, pivots included."""
        ...

    def translate(self, texts: list[str], source: str, target: str, alternatives: int) -> list[TranslationResult]:
        """One result per text, in order; raises ``PairUnavailable`` or ``BackendFailed``."""
        ...


class MemoryFirstBackend:
    """A translator's text for exactly the same source text first (imported from the catalogs),
    then the sentence memory; misses go to ``engine_call`` in one call per request and pair.

    ``engines()`` gives the engine label of every pair installed now (``Translators.engines``:
    a directory scan, no model loaded), so the memory is looked up under the engine that would
    translate a miss.
    """

    def __init__(self, memory: SentenceMemory, engines: Callable[[], dict[tuple[str, str], str]],
                 engine_call: EngineCall, version: Callable[[], Hashable] | None = None,
                 answers: DocumentCache | None = None):
        """``version`` (the store's content generation) and ``answers`` keep whole answers:
        a repeated request costs one cheap query while nothing it depends on changed."""
        self.memory = memory
        self.engines = engines
        self.engine_call = engine_call
        self.version = version
        self.answers = answers

    def pairs(self) -> set[tuple[str, str]]:
        return set(self.engines())

    def translate(self, texts: list[str], source: str, target: str, alternatives: int) -> list[TranslationResult]:
        """An answer depends on the engines, the translators' texts and the memory: the first two
        move the store's generation, and the memory only grows (a remembered sentence keeps its
        text per engine), so an answer is reused while the generation stands. With alternatives
        it is not (they come from the engine, the memory keeps only the best)."""
        if self.version is None or self.answers is None or alternatives:
            return self._translate(texts, source, target, alternatives)
        validity = Validity(self.version(), _EPOCH)
        document = self.answers.get_or_build(
            ("translate", source, target, tuple(texts)), validity,
            lambda: (json.dumps([asdict(r) for r in self._translate(texts, source, target, 0)]).encode(),
                     "application/json"))
        return [TranslationResult(**{**item, "alternatives": tuple(item["alternatives"])})
                for item in json.loads(document.body)]

    def _translate(self, texts: list[str], source: str, target: str, alternatives: int) -> list[TranslationResult]:
        engine = self.engines().get((source, target))
        if engine is None:
            raise PairUnavailable(f"no model installed for {source}-{target}")
        human = self._human(source, target, texts)
        machine = [text for text in dict.fromkeys(texts) if text not in human]
        # a catalog text that is an engine's output accepted unchanged is still machine text
        results: dict[str, TranslationResult] = {
            text: TranslationResult(translated, engine=reviewed_from,
                                    provenance="machine" if reviewed_from else "human")
            for text, (translated, reviewed_from) in human.items()}
        if machine:
            try:
                found = translate_texts(self.memory, source, target, machine, engine, self.engine_call,
                                        alternatives)
            except TranslationUnavailable as error:
                raise PairUnavailable(str(error)) from error
            except (TranslationError, TimeoutError) as error:
                raise BackendFailed(str(error)) from error
            alternates = found.alternatives or [[] for _ in machine]
            results.update((text, TranslationResult(translated, tuple(others), found.engine))
                           for text, translated, others in zip(machine, found.texts, alternates, strict=True))
        return [results[text] for text in texts]

    def _human(self, source: str, target: str, texts: list[str]) -> dict[str, tuple[str, str | None]]:
        by_hash = {source_hash(source, text.strip()): text for text in texts if text.strip()}
        with self.memory.store.reading() as session:
            found = find_human_translations(session, target, by_hash)
        return {by_hash[h]: translated for h, translated in found.items()}
