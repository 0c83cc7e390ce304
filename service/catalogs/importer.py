"""Take a translator's ``content.po`` into the store, all of it or nothing.

A file is checked completely before anything is written: it parses (strictly, see
``poformat``), its ``Language`` header names its folder's language, it is UTF-8, and every
reviewed msgstr keeps the URLs and @handles of its msgid (numbers and placeholders only warn;
``checks`` says why). A failing file raises ``CatalogError`` (``file:line: reason``) and the
store keeps serving what was imported before; the failure is recorded in ``CatalogStateRow`` so
``/healthz`` in every worker can say which file is broken and where.

What a file changes in the store, in one transaction:
- a reviewed entry (not ``fuzzy``, msgstr not empty) becomes, or replaces, the human
  translation of its (msgctxt, msgid);
- a ``fuzzy`` entry withdraws the human translation of its key: the translator marked it as
  needing work, so it is no longer served as reviewed;
- an entry that is missing or has an empty msgstr leaves the store's translation alone. A
  truncated, reset or deleted file therefore never erases reviewed work, and the next export
  writes it back into the file (``merge``).
Importing the same file twice changes nothing (the watcher relies on that).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select, tuple_

from ..domain import source_hash
from ..store import CatalogStateRow, HumanTranslationRow, Store
from ..store.reads import all_fields
from ..text import JAPANESE_SCRIPT
from . import CatalogError, Problem, po_path, state_key
from .checks import check_translation
from .merge import is_reviewed
from .poformat import PoFile
from .poreader import parse
from ..store.upsert import upsert
from ..store.coverage import replace_fuzzy
from ..store.versions import bump_site, bump_stories

Key = tuple[str, str]


@dataclass
class ImportReport:
    path: str
    lang: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    kept: int = 0
    fuzzy: int = 0
    warnings: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    def counts(self) -> dict:
        return {name: getattr(self, name) for name in
                ("added", "changed", "unchanged", "withdrawn", "kept", "fuzzy")}

    def summary(self) -> str:
        prefix = "(dry run) " if self.dry_run else ""
        return (f"{prefix}{self.path}: human {self.added} added, {self.changed} changed, "
                f"{self.unchanged} unchanged, {self.withdrawn} withdrawn (fuzzy), {self.kept} kept; "
                f"{self.fuzzy} fuzzy")


@dataclass
class CheckedCatalog:
    po: PoFile
    reviewed: dict[Key, str]
    withdrawn: set[Key]
    fuzzy: int
    warnings: list[Problem]


def _language_problems(po: PoFile, path: str, lang: str) -> list[Problem]:
    if not po.header_line:
        return [Problem(path, 1, f'no header entry (msgid ""); it must say "Language: {lang}"')]
    language = po.header_value("Language")
    problems = []
    if not language:
        problems.append(Problem(path, po.header_line, f'header has no Language; expected "{lang}"'))
    elif language.replace("-", "_").split("_")[0].lower() != lang:
        problems.append(Problem(path, po.header_value_line("Language"),
                                f'Language is "{language}" but the file is in the "{lang}" folder'))
    content_type = po.header_value("Content-Type") or ""
    if "charset=" in content_type.lower() and "charset=utf-8" not in content_type.lower().replace(" ", ""):
        problems.append(Problem(path, po.header_value_line("Content-Type"),
                                f'charset must be UTF-8, the header says "{content_type}"'))
    return problems


def check_catalog(data: bytes, path: str, lang: str) -> CheckedCatalog:
    """Everything an import would take from ``data``, or ``CatalogError`` listing every problem."""
    po = parse(data, path)
    problems = _language_problems(po, path, lang)
    warnings = []
    reviewed, withdrawn, fuzzy = {}, set(), 0
    for entry in po.entries:
        if entry.obsolete:
            continue
        key = (entry.context or "", entry.msgid)
        if entry.fuzzy:
            fuzzy += 1
            withdrawn.add(key)
        elif is_reviewed(entry):
            reviewed[key] = entry.msgstr
            for finding in check_translation(entry.msgid, entry.msgstr):
                problem = Problem(path, entry.msgstr_line, finding.reason)
                (problems if finding.error else warnings).append(problem)
    if problems:
        raise CatalogError(problems)
    return CheckedCatalog(po, reviewed, withdrawn, fuzzy, warnings)


def fingerprint_of(path: Path) -> str | None:
    """What says a file changed: mtime (ns), size and inode (an atomic rename changes it)."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    return f"{stat.st_mtime_ns}:{stat.st_size}:{stat.st_ino}"


def record_state(session, key: str, fingerprint: str | None, ok: bool, error: str | None,
                 details: dict | None) -> None:
    """Upsert the catalog's state row: two workers (or a worker and the CLI) recording the same
    file at once both succeed, the last one wins."""
    upsert(session, CatalogStateRow, [{"path": key, "fingerprint": fingerprint or "", "ok": ok, "error": error,
                                       "details": details, "checked_at": dt.datetime.now(dt.timezone.utc)}])
    bump_site(session)    # coverage shows each catalog's state and fuzzy entries


def _relative(problem: Problem, key: str) -> str:
    """``file:line: reason`` with the file named as in ``CatalogStateRow`` (relative to the
    catalogs folder), so ``/healthz`` never shows where the service is installed."""
    return str(Problem(key, problem.line, problem.reason))


def _source_languages(session, lang: str, keys) -> dict[Key, str]:
    """Each msgid's language, which the row's ``source_hash`` needs: from the current fields,
    else (an entry whose field is gone) the only source language of the catalog, or for ko
    the script of the text."""
    story_ids = {context.rpartition("/")[0] for context, _ in keys}
    known = {(f.context, f.source_text): f.source_lang for f in all_fields(session, story_ids)}
    other = {"en": "ja", "ja": "en"}
    return {key: known.get(key) or other.get(lang) or ("ja" if JAPANESE_SCRIPT.search(key[1]) else "en")
            for key in keys}


def _apply(session, lang: str, checked: CheckedCatalog, report: ImportReport, write: bool) -> None:
    """Count, and with ``write`` make, the file's changes. Writes are an upsert and a delete by
    key, never a read-then-insert, so another worker importing the same file at the same time
    cannot make this one fail: both write the same text and the counts are this worker's view."""
    rows = {(r.context, r.source_text): r for r in
            session.scalars(select(HumanTranslationRow).where(HumanTranslationRow.lang == lang))}
    now = dt.datetime.now(dt.timezone.utc)
    source_langs = _source_languages(session, lang, set(checked.reviewed) | checked.withdrawn)
    changes = []
    for key, text in checked.reviewed.items():
        row = rows.get(key)
        if row is None:
            report.added += 1
        elif row.text != text:
            report.changed += 1
        else:
            report.unchanged += 1
            continue
        digest = row.source_hash if row is not None else source_hash(source_langs[key], key[1])
        changes.append({"lang": lang, "context": key[0], "source_hash": digest, "source_text": key[1],
                        "text": text, "imported_at": now})
    gone = [rows[key] for key in checked.withdrawn - set(checked.reviewed) if key in rows]
    report.withdrawn = len(gone)
    report.kept = len(set(rows) - set(checked.reviewed) - checked.withdrawn)
    if not write:
        return
    upsert(session, HumanTranslationRow, changes)
    touched = {row["context"] for row in changes} | {row.context for row in gone}
    bump_stories(session, {context.rpartition("/")[0] for context in touched})
    replace_fuzzy(session, lang, {(context, source_hash(source_langs[(context, msgid)], msgid))
                                  for context, msgid in checked.withdrawn})
    if gone:
        session.execute(delete(HumanTranslationRow).where(
            HumanTranslationRow.lang == lang,
            tuple_(HumanTranslationRow.context, HumanTranslationRow.source_hash).in_(
                [(row.context, row.source_hash) for row in gone])))


def import_catalog(store: Store, translations_dir: Path, lang: str, *, dry_run: bool = False,
                   data: bytes | None = None, fingerprint: str | None = None) -> ImportReport:
    """Check and import ``translations/<lang>/LC_MESSAGES/content.po`` (or ``data`` read from it).

    Raises ``CatalogError`` for a rejected file after recording it (unless ``dry_run``).
    """
    path = po_path(translations_dir, lang)
    key = state_key(translations_dir, path)
    if data is None:
        fingerprint = fingerprint_of(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise CatalogError([Problem(str(path), 0, "no such file; run `kakehashi catalog export` first")]) from None
    report = ImportReport(path=str(path), lang=lang, dry_run=dry_run)
    try:
        checked = check_catalog(data, str(path), lang)
    except CatalogError as error:
        if not dry_run:
            with store.transaction() as session:
                record_state(session, key, fingerprint, False, _relative(error.first, key),
                             {"problems": [_relative(p, key) for p in error.problems]})
        raise
    report.fuzzy, report.warnings = checked.fuzzy, checked.warnings
    if dry_run:
        with store.reading() as session:
            _apply(session, lang, checked, report, write=False)
        return report
    with store.transaction() as session:
        _apply(session, lang, checked, report, write=True)
        record_state(session, key, fingerprint, True, None,
                     {"counts": report.counts(), "warnings": [_relative(w, key) for w in report.warnings]})
    return report
