"""Fill missing machine translations: every field, every reading language, batched per pair.

Work is planned first (what is missing for the engine that would translate it now), identical
texts are translated once, and each language pair is ONE batched call: translating per field
is what makes LibreTranslate slow. Texts go through the sentence memory (``memory``): only
sentences no fill or API call has translated with the same engine reach the model. When a pair's
batch fails, it is split in halves and only the half that fails is split again, so one text the model chokes on leaves only its own fields
served as source while the others stay batched (about 2·log2(n) calls per bad text). A model
that does not load fails its whole pair at once, logged, and the rest of the run goes on.

The glossary in force is obeyed (``glossary``), and a stored translation records the glossary
entries it used: one whose text now uses other entries (a term changed, was added or removed)
counts as missing, is translated again (only its sentences with that term reach the model) and
replaces the stored one, moving its stories' versions.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..core.config import READING_LANGUAGES
from ..core.errors import ModelLoadError, TranslationUnavailable
from ..store import Store
from ..store.machine import insert_machine_translations, stored_machine_terms
from ..store.reads import all_fields
from .glossary import Glossary
from .glossary_live import current_glossary
from .memory import SentenceMemory, text_terms, translate_texts, translators_call
from .registry import Translators

log = logging.getLogger(__name__)
# Errors that every text of the pair would raise again: retrying text by text is useless.
_PAIR_ERRORS = (ModelLoadError, TranslationUnavailable)


@dataclass
class FillReport:
    done: int = 0           # fields (per language) translated and stored
    pending: int = 0        # fields (per language) found missing with a model to translate them
    skipped: int = 0        # fields (per language) with no model for their pair
    failed: int = 0         # fields (per language) whose pair failed (logged)
    texts: int = 0          # distinct texts sent to the models
    seconds: float = 0.0
    dry_run: bool = False
    missing_pairs: set[tuple[str, str]] = field(default_factory=set)
    failed_pairs: set[tuple[str, str]] = field(default_factory=set)
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)    # failed pair -> why (for jobs and /healthz)

    @property
    def fields_per_second(self) -> float:
        return self.done / self.seconds if self.seconds > 0 else 0.0


@dataclass
class _PairWork:
    engine: str
    texts: dict[str, str] = field(default_factory=dict)     # source_hash -> source text
    fields: dict[str, int] = field(default_factory=dict)    # source_hash -> number of fields
    glossary: Glossary = field(default_factory=Glossary)


def fill_missing(store: Store, translators: Translators, story_ids: Iterable[str] | None = None, langs: Iterable[str] | None = None,
                 dry_run: bool = False, progress: Callable[[int, int], None] | None = None) -> FillReport:
    started = time.perf_counter()
    report = FillReport(dry_run=dry_run)
    langs = tuple(langs) if langs is not None else READING_LANGUAGES
    with store.reading() as session:
        fields = all_fields(session, list(story_ids) if story_ids is not None else None)
    engines = translators.engines()
    glossary = current_glossary(store)
    work: dict[tuple[str, str], _PairWork] = {}
    for lang in langs:
        for item in fields:
            if item.source_lang == lang or not item.source_text.strip():
                continue
            pair = (item.source_lang, lang)
            if pair not in engines:
                report.skipped += 1
                report.missing_pairs.add(pair)
                continue
            pair_work = work.setdefault(pair, _PairWork(engines[pair], glossary=glossary))
            pair_work.texts[item.source_hash] = item.source_text
            pair_work.fields[item.source_hash] = pair_work.fields.get(item.source_hash, 0) + 1
    for pair, pair_work in work.items():
        hashes = list(pair_work.texts)
        wanted = dict(zip(hashes, text_terms(glossary.pair(*pair), [pair_work.texts[h] for h in hashes], pair[0]),
                          strict=True))
        for done_hash, terms in stored_machine_terms(store, pair[1], pair_work.engine, hashes).items():
            if terms == wanted[done_hash]:
                pair_work.texts.pop(done_hash, None)
                pair_work.fields.pop(done_hash, None)
    report.pending = sum(sum(w.fields.values()) for w in work.values())
    if dry_run:
        report.seconds = time.perf_counter() - started
        return report
    done_before = 0
    for pair, pair_work in work.items():
        if not pair_work.texts:
            continue
        count = sum(pair_work.fields.values())
        try:
            stored = _translate_pair(store, translators, pair, pair_work, progress, done_before, report.pending)
        except _PAIR_ERRORS as error:
            log.error("machine translation %s-%s failed (%s); its %d fields stay served as source",
                      *pair, error, count)
            stored = set()
            report.failed_pairs.add(pair)
            report.reasons[pair] = str(error)
        except Exception as error:  # one broken text must not stop the rest
            log.exception("batched machine translation %s-%s of %d texts failed; retrying them in halves",
                          *pair, len(pair_work.texts))
            stored = _retry_in_halves(store, translators, pair, pair_work, list(pair_work.texts))
            if not stored:
                report.failed_pairs.add(pair)
            if len(stored) < len(pair_work.texts):
                report.reasons[pair] = f"{len(pair_work.texts) - len(stored)} of {len(pair_work.texts)} texts failed: {error}"
        stored_fields = sum(pair_work.fields[h] for h in stored)
        report.done += stored_fields
        report.failed += count - stored_fields
        report.texts += len(stored)
        done_before += count
        if progress is not None:
            progress(done_before, report.pending)
    report.seconds = time.perf_counter() - started
    return report


def _translate_pair(store: Store, translators: Translators, pair: tuple[str, str], pair_work: _PairWork,
                    progress: Callable[[int, int], None] | None, done_before: int,
                    total: int) -> set[str]:
    """Translate one pair's texts in one call and store them; returns the hashes stored."""
    hashes = list(pair_work.texts)
    texts = [pair_work.texts[h] for h in hashes]
    count = sum(pair_work.fields.values())

    def report(done: int, legs_total: int) -> None:
        if progress is not None and legs_total:
            progress(done_before + count * done // legs_total, total)

    glossary = pair_work.glossary
    result = translate_texts(SentenceMemory(store), pair[0], pair[1], texts, pair_work.engine,
                             translators_call(translators, report, glossary), glossary=glossary)
    translated, engine = result.texts, result.engine
    rows = [{"source_hash": h, "target_lang": pair[1], "engine": engine, "source_lang": pair[0], "text": text,
             "terms": terms}
            for h, text, terms in zip(hashes, translated, result.terms, strict=True) if text.strip()]
    if len(rows) < len(hashes):
        log.warning("%s gave no text for %d of %d texts; those stay served as source",
                    engine, len(hashes) - len(rows), len(hashes))
    insert_machine_translations(store, rows)
    log.debug("machine translated %d texts %s-%s with %s (%d of %d sentences by the model)",
              len(rows), pair[0], pair[1], engine, result.sent, result.sentences)
    return {row["source_hash"] for row in rows}


def _retry_in_halves(store: Store, translators: Translators, pair: tuple[str, str], pair_work: _PairWork,
                     hashes: list[str]) -> set[str]:
    """After a failed batch of ``hashes``: translate each half as one batch and split again only a
    half that fails, down to single texts; returns the hashes stored. Only the texts that fail
    alone stay untranslated (logged), and the good ones keep most of the batching."""
    if len(hashes) < 2:          # the failed batch was this one text: nothing smaller to try
        for text_hash in hashes:
            log.error("machine translation %s-%s of text %s failed; its fields stay served as source",
                      *pair, text_hash[:12])
        return set()
    stored: set[str] = set()
    middle = len(hashes) // 2
    for half in (hashes[:middle], hashes[middle:]):
        part = _PairWork(pair_work.engine, {h: pair_work.texts[h] for h in half},
                         {h: pair_work.fields[h] for h in half}, pair_work.glossary)
        try:
            stored |= _translate_pair(store, translators, pair, part, None, 0, 0)
        except _PAIR_ERRORS as error:   # the model went away meanwhile: the rest would fail too
            log.error("machine translation %s-%s failed (%s); stopping its retries", *pair, error)
            return stored
        except Exception as error:  # noqa: BLE001 - logged; the fields stay served as source
            if len(half) == 1:
                log.error("machine translation %s-%s of text %s failed (%s); its fields stay served as source",
                          *pair, half[0][:12], error)
            else:
                stored |= _retry_in_halves(store, translators, pair, pair_work, half)
    return stored
