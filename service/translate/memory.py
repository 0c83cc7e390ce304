"""Sentence-level translation memory, shared by the story fill and the LibreTranslate face.

A text is split into lines and sentences exactly as ``Translators.translate`` splits it; each
sentence is looked up by (sentence, source lang, target lang, engine); only the sentences never
seen go to the engine, in one call; their translations are stored (insert-or-ignore, so racing
fills store each sentence once) and the texts are joined again. An edited field therefore
re-translates only its changed sentences, and a sentence shared by stories or API calls is
translated once per engine. The result is still machine output of that engine.

The engine is reached through an ``EngineCall``, so this module never loads a model: the fill
passes the process's own ``Translators``, a web process passes a call that waits for a worker.

``machine_origins`` answers the reverse question for catalog imports: which engine, if any,
wrote exactly this text, so machine text a person (or a tool) accepted unchanged never passes
as a translator's own words.

The glossary (``glossary``) is part of the key: a sentence that uses glossary entries is
remembered under its text *and* those entries (``memory_hash``), so changing or removing a term
sends exactly the sentences holding it to the engine again, and every other sentence keeps its
stored translation. A translation is remembered only if it holds the target term of every entry
it is keyed with (a worker that had not yet seen a glossary change cannot store a stale one).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol

from ..core.domain import source_hash
from ..store import Session, Store
from ..store.machine import machine_texts_any_engine
from ..store.memory import find_sentences, find_sentences_any_engine, insert_sentences
from .glossary import Glossary, PairTerms, TermUse, uses_key
from .glossary_live import current_glossary
from .registry import Translators, join_texts, split_texts

log = logging.getLogger(__name__)


class EngineCall(Protocol):
    """Translate sentences (already split) with the installed route for ``source``-``target``.

    Returns, per sentence, its ``count`` best translations (best first), and the engine label.
    Raises ``TranslationUnavailable`` when no route exists, ``TranslationError`` when it fails.
    """

    def __call__(self, source: str, target: str, sentences: list[str], count: int) -> tuple[list[list[str]], str]:
        ...


def translators_call(translators: Translators, progress: Callable[[int, int], None] | None = None,
                     glossary: Glossary | Callable[[], Glossary] | None = None) -> EngineCall:
    """An ``EngineCall`` running this process's models: for the worker tier, the CLI and tests.
    ``glossary`` (or a function giving the one in force at each call) is obeyed.

    Never use it in a web process (it loads models there)."""

    def call(source: str, target: str, sentences: list[str], count: int) -> tuple[list[list[str]], str]:
        terms = glossary() if callable(glossary) else glossary
        # an empty glossary is no glossary: such calls look exactly as they did before it existed
        extra = {"glossary": terms} if terms is not None and terms.concepts else {}
        if count <= 1:
            texts, label = translators.translate(source, target, sentences, progress=progress, **extra)
            return [[text] for text in texts], label
        return translators.translate_hypotheses(source, target, sentences, count, progress=progress, **extra)

    return call


def memory_hash(source: str, sentence: str, terms: str = "") -> str:
    """The memory's key for a sentence: its text, plus the glossary entries it used (if any)."""
    return source_hash(source, sentence if not terms else f"{sentence}\x00{terms}")


class SentenceMemory:
    def __init__(self, store: Store):
        self.store = store

    def glossary(self) -> Glossary:
        """The glossary in force (the store's; one cheap query while it is unchanged)."""
        return current_glossary(self.store)

    def lookup(self, source: str, target: str, engine: str, sentences: list[str],
               terms: dict[str, str] | None = None) -> dict[str, str]:
        """sentence -> stored translation, for the sentences the memory has (``terms``: the
        glossary entries each sentence uses, ``glossary.uses_key``)."""
        terms = terms or {}
        by_hash = {memory_hash(source, sentence, terms.get(sentence, "")): sentence for sentence in sentences}
        with self.store.reading() as session:
            found = find_sentences(session, target, engine, by_hash)
        return {by_hash[h]: text for h, text in found.items()}

    def remember(self, source: str, target: str, engine: str, translations: dict[str, str],
                 terms: dict[str, str] | None = None) -> None:
        terms = terms or {}
        rows = [{"source_hash": memory_hash(source, sentence, terms.get(sentence, "")), "target_lang": target,
                 "engine": engine, "source_lang": source, "source_text": sentence, "text": text,
                 "terms": terms.get(sentence) or None}
                for sentence, text in translations.items() if sentence.strip() and text.strip()]
        if rows:
            with self.store.transaction() as session:
                insert_sentences(session, rows)


@dataclass
class MemoryResult:
    texts: list[str]                      # the translations, in the order of the texts given
    engine: str                           # the engine label of every translation
    alternatives: list[list[str]] = field(default_factory=list)   # per text, when asked for
    sentences: int = 0                    # distinct sentences in the texts
    sent: int = 0                         # of those, sent to the engine (the rest came from memory)
    terms: list[str] = field(default_factory=list)   # per text, the glossary entries it used (``uses_key``)


def text_terms(pair: PairTerms, texts: list[str], source: str) -> list[str]:
    """Per text, the glossary entries its sentences use (``uses_key``): what a machine
    translation of it records, and what makes a stored one out of date when it changes."""
    layout, _ = split_texts(texts, source)
    return [uses_key(use for line in lines for sentence in line for use in pair.uses(sentence)) for lines in layout]


def translate_texts(memory: SentenceMemory, source: str, target: str, texts: list[str], engine: str,
                    engine_call: EngineCall, alternatives: int = 0, glossary: Glossary | None = None) -> MemoryResult:
    """Translate ``texts`` with the memory first; ``engine`` is the label of the route in use now.

    With ``alternatives`` > 0 every sentence goes to the engine for its n-best (the memory keeps
    one translation per sentence); the best ones are still remembered. ``glossary`` is the one
    ``engine_call`` obeys (default: the one in force, ``SentenceMemory.glossary``).
    """
    pair = (glossary if glossary is not None else memory.glossary()).pair(source, target)
    layout, unique = split_texts(texts, source)
    uses = {sentence: pair.uses(sentence) for sentence in unique} if pair else {}
    terms = {sentence: uses_key(used) for sentence, used in uses.items() if used}
    known = {} if alternatives else memory.lookup(source, target, engine, unique, terms)
    misses = [sentence for sentence in unique if sentence not in known]
    hypotheses: dict[str, list[str]] = {}
    if misses:
        ranked, used = engine_call(source, target, misses, alternatives + 1)
        if used != engine:
            # the installed model changed meanwhile: do not mix two engines in one answer
            log.info("engine for %s-%s changed from %s to %s; translating all %d sentences again",
                     source, target, engine, used, len(unique))
            engine, known = used, {}
            if len(misses) < len(unique):
                misses = list(unique)
                ranked, used = engine_call(source, target, misses, alternatives + 1)
        hypotheses = dict(zip(misses, ranked, strict=True))
        memory.remember(source, target, engine, {s: h[0] for s, h in hypotheses.items()
                                                 if h and _obeys(h[0], uses.get(s, ()))}, terms)
    best = {**known, **{s: h[0] if h else "" for s, h in hypotheses.items()}}
    result = MemoryResult(join_texts(layout, best, target), engine, sentences=len(unique), sent=len(misses),
                          terms=[uses_key(use for line in lines for s in line for use in uses.get(s, ()))
                                 for lines in layout])
    if alternatives:
        result.alternatives = [_alternatives(lines, hypotheses, best, target, alternatives, text)
                               for lines, text in zip(layout, result.texts, strict=True)]
    return result


def _obeys(translation: str, uses: tuple[TermUse, ...]) -> bool:
    """Does a translation hold the target term of every glossary entry its sentence used?"""
    missing = [use for use in uses if use.target not in translation]
    if missing:
        log.info("a translation lacks %d glossary term(s) it is keyed with (the glossary changed meanwhile?); "
                 "not remembered", len(missing))
    return not missing


def _alternatives(lines: list[list[str]], hypotheses: dict[str, list[str]], best: dict[str, str], target: str, count: int,
                  first: str) -> list[str]:
    """The k-th alternative of a text joins the (k+1)-th hypothesis of each of its sentences."""
    seen, out = {first, ""}, []
    for rank in range(1, count + 1):
        chosen = {s: (h[rank] if rank < len(h) else best[s]) for s, h in hypotheses.items()}
        [text] = join_texts([lines], {**best, **chosen}, target)
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


Origin = tuple[str, str, str]       # (source lang, source text, translated text)


def machine_origins(session: Session, lang: str, items: Iterable[Origin],
                    glossary: Glossary | None = None) -> dict[Origin, str]:
    """Which engine produced exactly this text for (``lang``, source lang, source text)?

    A text is machine output when it is byte-identical to a stored machine translation of that
    source text (any engine, current or older: an exported suggestion), or to what the sentence
    memory gives for it (any engine that remembers every sentence: ``/translate`` answers, which
    transpolibre or Weblate write into catalogs), joined as ``translate_texts`` joins it. A
    sentence that used ``glossary`` entries (the one in force) is remembered under a key holding
    them (``memory_hash``): both keys are looked up, so glossary-obeying output is known too.
    Items with no such engine are absent. Two queries per 500 texts and sentences, whatever the count.
    """
    wanted = {item for item in items if item[2].strip()}
    hashes = {item: source_hash(item[0], item[1]) for item in wanted}
    stored = machine_texts_any_engine(session, lang, hashes.values())
    found: dict[Origin, str] = {}
    for item, digest in hashes.items():
        engine = next((engine for engine, text in sorted(stored.get(digest, {}).items()) if text == item[2]), None)
        if engine is not None:
            found[item] = engine
    rest = [item for item in wanted if item not in found]
    layouts = {item: split_texts([item[1]], item[0]) for item in rest}
    keys: dict[tuple[str, str], tuple[str, str]] = {}      # (source, sentence) -> (key as served now, plain key)
    for item, (_layout, unique) in layouts.items():
        pair = glossary.pair(item[0], lang) if glossary is not None else None
        for sentence in unique:
            used = uses_key(pair.uses(sentence)) if pair else ""
            keys[(item[0], sentence)] = (memory_hash(item[0], sentence, used), source_hash(item[0], sentence))
    remembered = find_sentences_any_engine(session, lang, {key for both in keys.values() for key in both})
    for item, (layout, unique) in layouts.items():
        # the sentences as the memory serves them now (under their glossary key), else as it did before
        for variant in dict.fromkeys(tuple(keys[(item[0], s)][choice] for s in unique) for choice in (0, 1)):
            per_sentence = [remembered.get(key, {}) for key in variant]
            engines = set.intersection(*(set(known) for known in per_sentence)) if per_sentence else set()
            engine = next((engine for engine in sorted(engines) if join_texts(
                layout, {s: known[engine] for s, known in zip(unique, per_sentence, strict=True)}, lang) == [item[2]]),
                None)
            if engine is not None:
                found[item] = engine
                break
    return found
