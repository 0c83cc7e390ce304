"""Write ``content.pot`` and merge every ``<lang>/LC_MESSAGES/content.po``, atomically and stably.

Stable: entries in ``template`` order, Babel's wrapping, and dates that only move when the
content does. The file is first rendered with the dates it already has; if that is byte for
byte what is on disk nothing is written, so a re-export with nothing changed leaves the files
(and translators' diffs) untouched. Otherwise ``PO-Revision-Date`` (and the template's
``POT-Creation-Date``) become now. The header is composed by ``header``.

Atomic, and never over a translator's save: files are replaced through ``safewrite``. A file
that changed between its reading and its replacement is merged again from the new file, up
to ``ATTEMPTS`` times, after which the export of that file fails with one ``file:0: reason``
line and the translator's file is left as they saved it.

Safe: a catalog that does not parse is never overwritten (the translator's unsaved work might
be in it); the export of that language fails with ``file:line: reason`` and the others go on.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..domain import Field
from ..localize import MachineTranslations
from ..store import Store
from ..store.catalogs import human_texts
from ..store.reads import all_fields
from . import CATALOG_LANGUAGES, CatalogError, Problem, po_path, pot_path
from .header import HEADER_COMMENT, LANGUAGE_TEAMS, header_fields, stamp
from .limits import DEFAULT_LIMITS, CatalogLimits
from .merge import Key as MergeKey
from .merge import is_reviewed, merge
from .poformat import Entry, PoFile, render
from .poreader import parse
from .safeopen import read_whole
from .safewrite import FileChanged, Snapshot, atomic_write
from .template import template_entries

ATTEMPTS = 3


@dataclass
class ExportResult:
    path: Path
    lang: str | None
    written: bool
    entries: int
    reviewed: int
    fuzzy: int
    obsolete: int

    def summary(self) -> str:
        state = "written" if self.written else "unchanged"
        what = self.lang or "template"
        return (f"{self.path} ({what}): {state}; {self.entries} entries, {self.reviewed} reviewed, "
                f"{self.fuzzy} fuzzy, {self.obsolete} obsolete")


def _write_stable(snapshot: Snapshot, build: Callable[[bool], bytes]) -> bool:
    """``build(keep_dates)`` renders the file; write only when the content really changed."""
    if snapshot.data is not None and build(True) == snapshot.data:
        return False
    atomic_write(snapshot.path, build(False), snapshot)
    return True


def _read_existing(path: Path, limits: CatalogLimits = DEFAULT_LIMITS) -> tuple[Snapshot, PoFile | None]:
    """The file as it is, read safely (``safeopen``: a symlink, FIFO or oversized file is
    refused with ``CatalogError`` and left alone)."""
    found = read_whole(path, limits.max_bytes)
    if found is None:
        return Snapshot(path, None, None), None
    data, fingerprint = found
    return Snapshot(path, fingerprint, data), parse(data, str(path), limits)


def _retrying(path: Path, attempt: Callable[[], ExportResult]) -> ExportResult:
    """Run one file's read-merge-write again while the file keeps changing under it."""
    for _ in range(ATTEMPTS):
        try:
            return attempt()
        except FileChanged:
            continue
    raise CatalogError([Problem(str(path), 0, f"changed while being exported, {ATTEMPTS} times in a row (is "
                                              "someone saving it?); left as it is, export again")])


def export_template(fields: list[Field], translations_dir: Path, now: dt.datetime,
                    limits: CatalogLimits = DEFAULT_LIMITS) -> ExportResult:
    path = pot_path(translations_dir)
    return _retrying(path, lambda: _export_template(fields, path, now, limits))


def _export_template(fields: list[Field], path: Path, now: dt.datetime, limits: CatalogLimits) -> ExportResult:
    snapshot, existing = _read_existing(path, limits)
    entries = template_entries(fields, None)
    old_date = existing.header_value("POT-Creation-Date") if existing else None

    def build(keep_dates: bool) -> bytes:
        date = old_date if keep_dates and old_date else stamp(now)
        header = header_fields(None, None, date, date)
        comments = [HEADER_COMMENT[0].format(what="template")] + HEADER_COMMENT[1:]
        return render(PoFile(header=header, header_comments=comments, header_fuzzy=True, entries=entries))

    written = _write_stable(snapshot, build)
    return ExportResult(path, None, written, len(entries), 0, 0, 0)


def export_language(fields: list[Field], translations_dir: Path, lang: str, humans: Mapping[MergeKey, str],
                    machine: MachineTranslations | None, now: dt.datetime, pot_date: str,
                    limits: CatalogLimits = DEFAULT_LIMITS) -> ExportResult:
    path = po_path(translations_dir, lang)
    template = template_entries(fields, lang)
    suggestions = None
    if machine is not None:
        wanted = {(e.source_lang, e.msgid) for e in template if e.source_lang is not None}
        suggestions = dict(machine.lookup(lang, wanted)) if wanted else {}
    return _retrying(path, lambda: _export_language(path, lang, template, humans, suggestions, now, pot_date, limits))


def _export_language(path: Path, lang: str, template: list[Entry], humans: Mapping[MergeKey, str],
                     suggestions: Mapping[tuple[str, str], tuple[str, str]] | None,
                     now: dt.datetime, pot_date: str, limits: CatalogLimits) -> ExportResult:
    snapshot, existing = _read_existing(path, limits)
    entries = merge(template, existing.entries if existing else [], humans, suggestions)

    def build(keep_dates: bool) -> bytes:
        old_pot = existing.header_value("POT-Creation-Date") if existing else None
        old_revision = existing.header_value("PO-Revision-Date") if existing else None
        dates = (old_pot or pot_date, old_revision or stamp(now)) if keep_dates else (pot_date, stamp(now))
        comments = (existing.header_comments if existing and existing.header_comments
                    else [HEADER_COMMENT[0].format(what=LANGUAGE_TEAMS[lang])] + HEADER_COMMENT[1:])
        return render(PoFile(header=header_fields(existing, lang, *dates), header_comments=comments, entries=entries))

    written = _write_stable(snapshot, build)
    active = [e for e in entries if not e.obsolete]
    return ExportResult(path, lang, written, len(active), sum(is_reviewed(e) for e in active),
                        sum(e.fuzzy for e in active), len(entries) - len(active))


def export_catalogs(store: Store, translations_dir: Path, langs: Iterable[str] = CATALOG_LANGUAGES,
                    machine: MachineTranslations | None = None,
                    now: dt.datetime | None = None, limits: CatalogLimits = DEFAULT_LIMITS) -> list[ExportResult]:
    """Write the template and merge each language's catalog. ``machine`` (the resolver's machine
    lookup) adds suggestions to empty entries. Languages whose file is broken are skipped and
    reported together at the end as one ``CatalogError``; the others are written."""
    now = now or dt.datetime.now(dt.timezone.utc)
    with store.reading() as session:
        fields = all_fields(session)
        humans = {lang: human_texts(session, lang) for lang in langs}
    results, problems = [], []
    try:
        results.append(export_template(fields, translations_dir, now, limits))
    except CatalogError as error:
        problems += error.problems
    pot = _read_existing(pot_path(translations_dir), limits)[1] if not problems else None
    pot_date = (pot.header_value("POT-Creation-Date") if pot else None) or stamp(now)
    for lang in langs:
        try:
            results.append(export_language(fields, translations_dir, lang, humans[lang], machine, now, pot_date,
                                           limits))
        except CatalogError as error:
            problems += error.problems
    if problems:
        raise CatalogError(problems)
    return results
