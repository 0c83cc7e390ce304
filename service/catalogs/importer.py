"""Take a translator's ``content.po`` into the store, all of it or nothing, streaming.

The file is opened safely (``safeopen``: no symlinks, regular files only, size bounded) and
read twice from the same open file, line by line (``poreader.CatalogReader``), so memory does
not grow with the file:
1. checking, with no lock taken: it parses (strictly, with Babel's cross-check), its
   ``Language`` header names its folder's language, it is UTF-8, it keeps within the limits,
   and every reviewed msgstr keeps the URLs and @handles of its msgid (numbers and
   placeholders only warn; ``checks`` says why);
2. writing, in ONE transaction, in chunks (``applier``): readers keep seeing the last
   complete import until the commit. The file is compared with what was opened before the
   commit; a file written in place meanwhile rolls everything back (``CatalogChanged``).
A failing file raises ``CatalogError`` (``file:line: reason``, bounded) and the store keeps
serving what was imported before; the failure is recorded in ``CatalogStateRow`` so
``/healthz`` in every worker can say which file is broken and where.

What a file changes in the store:
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

import os
from pathlib import Path
from typing import BinaryIO

from ..store import Session, Store
from ..store.catalogs import catalog_state, record_state
from . import CatalogError, Problem, po_path, state_key
from .applier import Applier, ImportReport
from .checks import check_translation
from .limits import DEFAULT_LIMITS, PROBLEMS_KEPT, CatalogLimits
from .merge import is_reviewed
from .poformat import PoFile
from .poreader import CatalogReader
from .safeopen import file_fingerprint, fingerprint, open_catalog

__all__ = ["import_catalog", "record_state", "fingerprint_of", "ImportReport", "CatalogChanged"]


class CatalogChanged(Exception):
    """The file was written while being imported; nothing was taken, read it again."""


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


def fingerprint_of(path: Path) -> str | None:
    """What says a file changed: mtime (ns), size and inode of the path itself (a symlink is
    not followed, a FIFO not opened); None when it does not exist."""
    return file_fingerprint(Path(path))


def _relative(problem: Problem, key: str) -> str:
    """``file:line: reason`` with the file named as in ``CatalogStateRow`` (relative to the
    catalogs folder), so ``/healthz`` never shows where the service is installed."""
    return str(Problem(key, problem.line, problem.reason))



def _scan(stream: BinaryIO, path: str, lang: str, limits: CatalogLimits, report: "ImportReport",
          applier: Applier | None, check: bool) -> None:
    """One pass over the file: with ``check``, every check (``CatalogError`` at the end,
    listing the problems, bounded); with an ``applier``, each entry handed to it."""
    reader = CatalogReader(stream, path, limits, cross_check=check)
    problems: list[Problem] = []
    more = 0
    fuzzy = 0
    for entry in reader.entries():
        if entry.obsolete:
            continue
        key = (entry.context or "", entry.msgid)
        if entry.fuzzy:
            fuzzy += 1
            if applier is not None:
                applier.withdraw(key)
        elif is_reviewed(entry):
            if check:
                for finding in check_translation(entry.msgid, entry.msgstr):
                    problem = Problem(path, entry.msgstr_line, finding.reason)
                    if not finding.error:
                        report.warn(problem)
                    elif len(problems) < PROBLEMS_KEPT:
                        problems.append(problem)
                    else:
                        more += 1
            if applier is not None:
                applier.review(key, entry.msgstr)
    if check:
        problems = _language_problems(reader.header, path, lang) + problems
        if problems:
            raise CatalogError(problems, more)
    report.fuzzy = fuzzy
    if applier is not None:
        applier.close()


def import_catalog(store: Store, translations_dir: Path, lang: str, *, dry_run: bool = False,
                   limits: CatalogLimits = DEFAULT_LIMITS, unless_done: bool = False) -> ImportReport | None:
    """Check and import ``translations/<lang>/LC_MESSAGES/content.po``.

    Raises ``CatalogError`` for a rejected file after recording it (unless ``dry_run``), and
    ``CatalogChanged`` (nothing recorded) when it was written while being read. With
    ``unless_done``, returns None without writing when the store already has this file's
    result (another worker got there first)."""
    path = po_path(translations_dir, lang)
    key = state_key(translations_dir, path)
    report = ImportReport(path=str(path), lang=lang, dry_run=dry_run)
    seen = fingerprint_of(path)
    if seen is None:
        raise CatalogError([Problem(str(path), 0, "no such file; run `kakehashi catalog export` first")])
    try:
        with open_catalog(Path(translations_dir), path, limits.max_bytes) as (stream, opened):
            seen = fingerprint(opened)

            def check_unchanged() -> None:
                if fingerprint(os.fstat(stream.fileno())) != seen:
                    raise CatalogChanged(f"{path} changed while being read; it is read again once saved")

            if dry_run:
                with store.reading() as session:
                    _scan(stream, str(path), lang, limits, report, Applier(session, lang, report, False), True)
                check_unchanged()
                return report
            _scan(stream, str(path), lang, limits, report, None, True)
            check_unchanged()
            with store.transaction() as session:
                if unless_done and _done(session, key, seen):
                    return None
                stream.seek(0)
                _scan(stream, str(path), lang, limits, report, Applier(session, lang, report, True), False)
                check_unchanged()
                record_state(session, key, seen, True, None,
                             {"counts": report.counts(), "warnings": [_relative(w, key) for w in report.warnings],
                              "more_warnings": report.more_warnings})
    except CatalogError as error:
        if not dry_run:
            with store.transaction() as session:
                record_state(session, key, seen, False, _relative(error.first, key),
                             {"problems": [_relative(p, key) for p in error.problems], "more": error.more})
        raise
    return report


def _done(session: Session, key: str, fingerprint_seen: str | None) -> bool:
    row = catalog_state(session, key)
    done = row is not None and row.fingerprint == (fingerprint_seen or "")
    session.expunge_all()
    return done
