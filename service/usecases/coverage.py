"""Translation coverage per language and per story: the numbers of ``catalog stats``,
``/<lang>/translate`` and ``GET /api/v1/coverage``.

Counts are per field, as the story API's ``coverage`` counts them, so the numbers always agree
with what a reader is shown: ``human + machine + source == fields``. ``native`` is the part of
``source`` already written in the language; ``fuzzy`` counts fields not served as human whose
catalog entry is ``fuzzy`` (a suggestion or a changed source waiting for review), as last
imported; ``catalog`` says whether the language's file was accepted (``ok``), rejected
(``broken``) or never imported (``missing``). Totals cover the whole archive and are counted
by the database; story rows come one page at a time.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from ..catalogs import PROBLEMS_KEPT, relative_key, story_path
from ..core.cursor import Cursor
from ..core.domain import Field, source_hash
from ..store import Store, reads
from ..store.catalogs import broken_states, state_counts
from ..store.counts import fuzzy_keys, totals
from ..store.translations import current_engines
from .reading import LocalizedItem, localize_fields, resolver_for

COUNTS = ("fields", "native", "human", "machine", "source", "untranslated", "fuzzy")


def _zero() -> dict[str, int]:
    return dict.fromkeys(COUNTS, 0)


def coverage_report(store: Store, translations_dir: Path, langs: Iterable[str], title_lang: str | None = None,
                    cursor: Cursor | None = None, limit: int = 50) -> dict[str, Any]:
    """Totals per language, and one page of stories (newest first) with their counts; with
    ``title_lang`` each story row also has its ``title`` as a localized field in that language.
    ``next`` is the cursor of the following page, or None."""
    langs = list(langs)
    with store.reading() as session:
        current = current_engines(session)
        report_totals = {}
        broken_files = []
        for lang in langs:
            states = state_counts(session, f"{lang}/")
            counted = totals(session, lang, current)
            report_totals[lang] = {**counted, "untranslated": counted["source"] - counted["native"],
                                   "catalog": "broken" if states["broken"] else "ok" if states["ok"] else "missing",
                                   "broken_files": states["broken"]}
            broken_files += [{"file": row.path, "lang": lang, "error": row.error}
                             for row in broken_states(session, PROBLEMS_KEPT, f"{lang}/")]
        stamps = reads.newest(session, limit + 1, cursor.position if cursor else None)
        shown = stamps[:limit]
        fields = reads.fields_of(session, [s.id for s in shown])
        flat = [f for s in shown for f in fields[s.id]]
        resolver = resolver_for(session)
        localized = {lang: localize_fields(flat, lang, resolver) for lang in {*langs, *([title_lang] if title_lang else [])}}
        contexts = {f.context for f in flat}
        fuzzy = {lang: fuzzy_keys(session, lang, contexts) for lang in langs}
    rows = []
    for stamp in shown:
        row: dict[str, Any] = {"id": stamp.id, "published": stamp.published.isoformat(), "languages": {}}
        for lang in langs:
            counts: dict[str, Any] = _counts(fields[stamp.id], lang, localized[lang], fuzzy[lang])
            wanted = counts["fields"] > counts["native"]
            counts["file"] = relative_key(translations_dir, story_path(translations_dir, lang, stamp.id,
                                                                       stamp.published)) if wanted else None
            row["languages"][lang] = counts
        if title_lang is not None:
            title = next((f for f in fields[stamp.id] if f.role == "title"), None)
            row["title"] = localized[title_lang][(title.story_id, title.position)].localized.as_json() if title else None
        rows.append(row)
    following = Cursor(*shown[-1].position) if len(stamps) > limit else None
    return {"languages": report_totals, "stories": rows, "next": following, "broken_files": broken_files}


def _counts(fields: list[Field], lang: str, localized: dict[tuple[str, int], LocalizedItem],
            fuzzy: set[tuple[str, str]]) -> dict[str, int]:
    counts = _zero()
    for field in fields:
        provenance = localized[(field.story_id, field.position)].localized.provenance
        counts["fields"] += 1
        counts[provenance] += 1
        counts["native"] += field.source_lang == lang
        counts["untranslated"] += provenance == "source" and field.source_lang != lang
        counts["fuzzy"] += (provenance != "human" and field.source_lang != lang
                            and (field.context, source_hash(field.source_lang, field.source_text)) in fuzzy)
    return counts
