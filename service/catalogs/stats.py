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
    its ``title`` as a localized field in that language (for pages and the API)."""
    langs = list(langs)
    with store.reading() as session:
        stories = list_stories(session)
    fuzzy = {lang: fuzzy_keys(translations_dir, lang) for lang in langs}
    totals = {lang: {**_zero(), "catalog": _catalog_state(translations_dir, lang, fuzzy[lang])} for lang in langs}
    rows = []
    for story in stories:
        fields = list(story.fields)
        row = {"id": story.id, "published": story.published.isoformat(), "languages": {}}
        for lang in langs:
            counts = _zero()
            localized = resolver.localize(fields, lang) if fields else []
            for field, item in zip(fields, localized):
                counts["fields"] += 1
                counts[item.provenance] += 1
                counts["native"] += field.source_lang == lang
                counts["fuzzy"] += (item.provenance != "human" and field.source_lang != lang
                                    and (field.context, field.source_text) in (fuzzy[lang] or ()))
            row["languages"][lang] = counts
            if lang == title_lang:
                titles = [item for field, item in zip(fields, localized) if field.role == "title"]
                row["title"] = titles[0].as_json() if titles else None
            for name in COUNTS:
                totals[lang][name] += counts[name]
        if title_lang is not None and title_lang not in langs:
            titles = [f for f in fields if f.role == "title"]
            row["title"] = resolver.localize(titles[:1], title_lang)[0].as_json() if titles else None
        rows.append(row)
    return {"languages": totals, "stories": rows}
