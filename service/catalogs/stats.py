"""Translation coverage per language and per story: the numbers of ``catalog stats``,
``/<lang>/translate`` and ``GET /api/v1/coverage``.

Counts are per field, as the story API's ``coverage`` counts them, and come from the same
resolver, so the numbers always agree with what a reader is shown:
``human + machine + source == fields``. ``native`` is the part of ``source`` already written
in the language (nothing to translate); ``fuzzy`` counts fields not served as human whose
catalog entry is ``fuzzy`` (a suggestion or a changed source waiting for review) and is read
from the ``.po`` files, since fuzzy entries are not in the store. ``catalog`` says whether the
language's file is ``ok``, ``missing`` or ``broken``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..localize import Resolver
from ..store import Store
from ..store.queries import list_stories
from . import CATALOG_LANGUAGES, CatalogError, po_path
from .importer import fingerprint_of
from .poreader import parse

COUNTS = ("fields", "native", "human", "machine", "source", "fuzzy")
_fuzzy_cache: dict[str, tuple[str, set | None]] = {}


def fuzzy_keys(translations_dir: Path, lang: str) -> set[tuple[str, str]] | None:
    """(msgctxt, msgid) of the file's active fuzzy entries; None when missing or broken.
    Cached per file fingerprint, so a page view does not re-parse an unchanged file."""
    path = po_path(translations_dir, lang)
    fingerprint = fingerprint_of(path)
    if fingerprint is None:
        return None
    cached = _fuzzy_cache.get(str(path))
    if cached and cached[0] == fingerprint:
        return cached[1]
    try:
        po = parse(path.read_bytes(), str(path))
        keys = {(e.context or "", e.msgid) for e in po.entries if e.fuzzy and not e.obsolete}
    except (CatalogError, OSError):
        keys = None
    _fuzzy_cache[str(path)] = (fingerprint, keys)
    return keys


def _catalog_state(translations_dir: Path, lang: str, keys) -> str:
    if keys is not None:
        return "ok"
    return "broken" if po_path(translations_dir, lang).exists() else "missing"


def _zero() -> dict:
    return dict.fromkeys(COUNTS, 0)


def coverage_report(store: Store, resolver: Resolver, translations_dir: Path,
                    langs: Iterable[str] = CATALOG_LANGUAGES, title_lang: str | None = None) -> dict:
    """Totals per language and counts per story; with ``title_lang``, each story row also has
    its ``title`` as a localized field in that language (for pages and the API).

    One ``resolver.localize`` over every story's fields per language (a batched lookup of each
    kind), not one per story: the cost does not grow in queries with the number of stories."""
    langs = list(langs)
    with store.reading() as session:
        stories = list_stories(session)
    fields = [list(story.fields) for story in stories]
    flat = [field for story_fields in fields for field in story_fields]
    localized = {lang: _by_story(fields, resolver.localize(flat, lang) if flat else []) for lang in langs}
    title_items: list = []
    if title_lang is not None and title_lang not in langs:
        titles = [next((f for f in story_fields if f.role == "title"), None) for story_fields in fields]
        found = [f for f in titles if f is not None]
        items = iter(resolver.localize(found, title_lang) if found else [])
        title_items = [next(items) if f is not None else None for f in titles]
    fuzzy = {lang: fuzzy_keys(translations_dir, lang) for lang in langs}
    totals = {lang: {**_zero(), "catalog": _catalog_state(translations_dir, lang, fuzzy[lang])} for lang in langs}
    rows = []
    for index, story in enumerate(stories):
        row = {"id": story.id, "published": story.published.isoformat(), "languages": {}}
        for lang in langs:
            counts = _zero()
            for field, item in zip(fields[index], localized[lang][index], strict=True):
                counts["fields"] += 1
                counts[item.provenance] += 1
                counts["native"] += field.source_lang == lang
                counts["fuzzy"] += (item.provenance != "human" and field.source_lang != lang
                                    and (field.context, field.source_text) in (fuzzy[lang] or ()))
            row["languages"][lang] = counts
            if lang == title_lang:
                titles = [item for field, item in zip(fields[index], localized[lang][index], strict=True) if field.role == "title"]
                row["title"] = titles[0].as_json() if titles else None
            for name in COUNTS:
                totals[lang][name] += counts[name]
        if title_lang is not None and title_lang not in langs:
            row["title"] = title_items[index].as_json() if title_items[index] is not None else None
        rows.append(row)
    return {"languages": totals, "stories": rows}


def _by_story(fields: list[list], localized: list) -> list[list]:
    """Split one flat list of localized fields back into per-story lists."""
    result, start = [], 0
    for story_fields in fields:
        result.append(localized[start:start + len(story_fields)])
        start += len(story_fields)
    return result
