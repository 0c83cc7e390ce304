"""Take one translator's catalog file into the store, all of it or nothing, streaming.

A file is imported on its own: a story's file (``<lang>/LC_MESSAGES/content/<YYYY-MM>/<id>.po``)
touches only that story, so a save costs milliseconds whatever the archive. (A legacy
``content.po`` of the old layout is imported the same way, every story it names at once.)

The file is opened safely (``safefile``: no symlinks, regular files only, size bounded) and
read twice from the same open file, line by line (``parse.CatalogReader``), so memory does not
grow with the file:
1. checking, with no lock taken: it parses (strictly, with Babel's cross-check), its header
   names its folder's language and UTF-8, it keeps within the limits, every entry belongs to
   the file's story (its msgctxt starts with ``<story-id>/``), and every reviewed msgstr keeps
   the URLs and @handles of its msgid (numbers and placeholders only warn; ``checks`` says why);
2. writing, in ONE transaction, in chunks (``Applier``): readers keep seeing the last complete
   import until the commit. The story must exist and be of the file's month; the file is
   compared with what was opened before the commit, and one written in place meanwhile rolls
   everything back (``CatalogChanged``).
A failing file raises ``CatalogError`` (``file:line: reason``, bounded) and the store keeps
serving what was imported before; the failure is recorded in ``CatalogStateRow`` so
``/healthz`` and the status page can say which file is broken and where.

What a file changes in the store:
- a reviewed entry (not ``fuzzy``, msgstr not empty) becomes, or replaces, the human
  translation of its (msgctxt, msgid);
- a ``fuzzy`` entry withdraws the human translation of its key: the translator marked it as
  needing work, so it is no longer served as reviewed;
- an entry that is missing or has an empty msgstr leaves the store's translation alone. A
  truncated, reset or deleted file therefore never erases reviewed work, and the next export
  writes it back into the file (``merge``).
Other stories with the same source text are marked for the next export, which offers them the
new translation as a suggestion. Importing the same file twice changes nothing (the watcher
relies on that).
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from ..core.domain import source_hash
from ..core.textrules import JAPANESE_SCRIPT, detect_source_lang
from ..store import Session, Store
from ..store.catalogs import (
    catalog_state,
    count_humans,
    delete_humans,
    humans_by_key,
    mark_stale,
    record_state,
    replace_story_fuzzy,
    state_fingerprints,
    stories_with_texts,
    upsert_humans,
)
from ..store.changes import bump_stories
from ..store.reads import all_fields, story
from ..translate.glossary import Glossary, glossary_findings
from ..translate.glossary_live import current_glossary
from ..translate.memory import machine_origins
from . import (
    CATALOG_LANGUAGES,
    DEFAULT_LIMITS,
    PROBLEMS_KEPT,
    CatalogError,
    CatalogFile,
    CatalogLimits,
    Problem,
    clip,
    files_on_disk,
    locate,
    month_of,
    relative_key,
)
from .checks import check_translation, header_problems
from .merge import is_reviewed
from .parse import CatalogReader
from .safefile import file_fingerprint, fingerprint, open_catalog

Key = tuple[str, str]
CHUNK = 500


class CatalogChanged(Exception):
    """The file was written while being imported; nothing was taken, read it again."""


@dataclass
class ImportReport:
    """What an import did (in a dry run, would do): the counts, and the checks' warnings."""

    path: str
    lang: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    kept: int = 0
    fuzzy: int = 0
    warnings: list[Problem] = field(default_factory=list)    # the first PROBLEMS_KEPT
    more_warnings: int = 0
    dry_run: bool = False

    def warn(self, problem: Problem) -> None:
        if len(self.warnings) < PROBLEMS_KEPT:
            self.warnings.append(problem)
        else:
            self.more_warnings += 1

    def counts(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in
                ("added", "changed", "unchanged", "withdrawn", "kept", "fuzzy")}

    def summary(self) -> str:
        prefix = "(dry run) " if self.dry_run else ""
        return (f"{prefix}{self.path}: human {self.added} added, {self.changed} changed, "
                f"{self.unchanged} unchanged, {self.withdrawn} withdrawn (fuzzy), {self.kept} kept; "
                f"{self.fuzzy} fuzzy")


# --- the store side: what the entries change ------------------------------------------------

def _source_languages(session: Session, lang: str, keys: Iterable[Key]) -> dict[Key, str]:
    """Each msgid's language, which the row's ``source_hash`` needs: from the current fields,
    else (an entry whose field is gone) the only source language of the catalog, or for ko
    the script of the text."""
    story_ids = {context.rpartition("/")[0] for context, _ in keys}
    known = {(f.context, f.source_text): f.source_lang for f in all_fields(session, story_ids)}
    other = {"en": "ja", "ja": "en"}
    return {key: known.get(key) or other.get(lang) or ("ja" if JAPANESE_SCRIPT.search(key[1]) else "en")
            for key in keys}


class Applier:
    """Counts, and with ``write`` makes, a file's changes, ``CHUNK`` entries at a time. Writes
    are an upsert and a delete by key, never a read-then-insert, so another worker importing
    the same file at the same time cannot make this one fail: both write the same text and the
    counts are this worker's view. Rows are read as plain tuples and the session is emptied
    after each chunk, so nothing accumulates over a large file."""

    def __init__(self, session: Session, lang: str, report: ImportReport, write: bool, stories: set[str],
                 glossary: Glossary | None = None):
        self.session, self.lang, self.report, self.write = session, lang, report, write
        self.glossary = glossary                       # the one in force: its terms key the sentence memory
        self.stories = stories                         # the file's stories (a legacy file: filled as read)
        self.reviewed: list[tuple[Key, str]] = []
        self.withdrawn: list[Key] = []
        self.touched: set[str] = set()                 # contexts whose served text changed
        self.fuzzy: set[tuple[str, str]] = set()       # (msgctxt, source hash) marked fuzzy
        self.before = count_humans(session, lang, stories) if stories else 0
        self.now = dt.datetime.now(dt.timezone.utc)

    def review(self, key: Key, text: str) -> None:
        self.reviewed.append((key, text))
        if len(self.reviewed) >= CHUNK:
            self._flush_reviewed()

    def withdraw(self, key: Key) -> None:
        self.withdrawn.append(key)
        if len(self.withdrawn) >= CHUNK:
            self._flush_withdrawn()

    def close(self) -> None:
        self._flush_reviewed()
        self._flush_withdrawn()
        report = self.report
        report.kept = max(0, self.before - report.changed - report.unchanged - report.withdrawn)
        if self.write:
            bump_stories(self.session, {context.rpartition("/")[0] for context in self.touched})
            replace_story_fuzzy(self.session, self.lang, self.stories, self.fuzzy)

    def _suggest_elsewhere(self, digests: Iterable[str]) -> None:
        """Other stories with these source texts: their files offer a translator's new text as a
        suggestion at the next export (one chunk at a time: nothing accumulates)."""
        mark_stale(self.session, self.lang, stories_with_texts(self.session, digests) - self.stories)

    def _stored(self, keys: Iterable[Key]) -> dict[Key, tuple[str, str]]:
        return humans_by_key(self.session, self.lang, keys)

    def _flush_reviewed(self) -> None:
        if not self.reviewed:
            return
        batch, self.reviewed = self.reviewed, []
        rows = self._stored(key for key, _ in batch)
        source_langs = _source_languages(self.session, self.lang, [key for key, _ in batch])
        # machine text accepted unchanged is a reviewed machine translation (PRODUCT: reviewed_from)
        origins = machine_origins(self.session, self.lang, [(source_langs[key], key[1], text) for key, text in batch],
                                  self.glossary)
        changes: list[dict[str, object]] = []
        for key, text in batch:
            row = rows.get(key)
            if row is None:
                self.report.added += 1
            elif row[0] != text:
                self.report.changed += 1
            else:
                self.report.unchanged += 1
                continue
            digest = row[1] if row is not None else source_hash(source_langs[key], key[1])
            changes.append({"lang": self.lang, "context": key[0], "source_hash": digest, "source_text": key[1],
                            "text": text, "imported_at": self.now,
                            "reviewed_from": origins.get((source_langs[key], key[1], text))})
        if self.write:
            upsert_humans(self.session, changes)
            self.touched.update(str(change["context"]) for change in changes)
            self._suggest_elsewhere(str(change["source_hash"]) for change in changes)
        self.session.expunge_all()

    def _flush_withdrawn(self) -> None:
        if not self.withdrawn:
            return
        batch, self.withdrawn = self.withdrawn, []
        stored = self._stored(batch)
        gone = [(key[0], digest) for key, (_, digest) in stored.items()]
        self.report.withdrawn += len(gone)
        self.touched.update(context for context, _ in gone)
        source_langs = _source_languages(self.session, self.lang, [key for key in batch if key not in stored])
        self.fuzzy.update((key[0], stored[key][1] if key in stored else source_hash(source_langs[key], key[1]))
                          for key in batch)
        if self.write and gone:
            delete_humans(self.session, self.lang, gone)
            self._suggest_elsewhere(digest for _, digest in gone)
        self.session.expunge_all()


# --- reading a file -------------------------------------------------------------------------

def fingerprint_of(path: Path) -> str | None:
    """What says a file changed: mtime (ns), size and inode of the path itself (a symlink is
    not followed, a FIFO not opened); None when it does not exist."""
    return file_fingerprint(Path(path))


def _relative(problem: Problem, key: str) -> str:
    """``file:line: reason`` with the file named as in ``CatalogStateRow`` (relative to the
    catalogs folder), so ``/healthz`` never shows where the service is installed."""
    return str(Problem(key, problem.line, problem.reason))


def _scan(stream: BinaryIO, path: str, file: CatalogFile, limits: CatalogLimits, report: ImportReport,
          applier: Applier | None, check: bool, glossary: Glossary | None = None) -> set[str]:
    """One pass over the file: with ``check``, every check (``CatalogError`` at the end,
    listing the problems, bounded); with an ``applier``, each entry handed to it. Returns the
    stories the file's entries belong to."""
    reader = CatalogReader(stream, path, limits, cross_check=check)
    problems: list[Problem] = []
    more = 0
    fuzzy = 0
    stories: set[str] = set()

    def problem(found: Problem) -> None:
        nonlocal more
        if len(problems) < PROBLEMS_KEPT:
            problems.append(found)
        else:
            more += 1

    for entry in reader.entries():
        if entry.obsolete:
            continue
        story_id = (entry.context or "").rpartition("/")[0]
        if check and not file.legacy and story_id != file.story_id:
            problem(Problem(path, entry.line, f"msgctxt {clip(repr(entry.context or ''), 90)} is not a text of story "
                                              f"{file.story_id}, which this file is for; move the entry to its story's file"))
            continue
        stories.add(story_id)
        key = (entry.context or "", entry.msgid)
        if entry.fuzzy:
            fuzzy += 1
            if applier is not None:
                applier.withdraw(key)
        elif is_reviewed(entry):
            if check:
                for finding in check_translation(entry.msgid, entry.msgstr):
                    found = Problem(path, entry.msgstr_line, finding.reason)
                    if finding.error:
                        problem(found)
                    else:
                        report.warn(found)
                if glossary is not None:          # like Weblate's glossary check: a warning, never a rejection
                    for reason in glossary_findings(glossary, detect_source_lang(entry.msgid), file.lang,
                                                    entry.msgid, entry.msgstr):
                        report.warn(Problem(path, entry.msgstr_line, reason))
            if applier is not None:
                applier.review(key, entry.msgstr)
    if check:
        problems = header_problems(reader.header, path, file.lang) + problems
        if problems:
            raise CatalogError(problems, more)
    report.fuzzy = fuzzy
    if applier is not None:
        applier.close()
    return stories


def _story_problem(session: Session, file: CatalogFile, path: str) -> Problem | None:
    """A story's file must be for a story the store has, in its month's folder."""
    if file.legacy or file.story_id is None:
        return None
    found = story(session, file.story_id)
    if found is None:
        return Problem(path, 0, f"there is no story {file.story_id} (deleted?); this file is not imported, and "
                                "the next export removes it when nothing in it is new")
    if month_of(found.published) != file.month:
        return Problem(path, 0, f"story {file.story_id} is published in {month_of(found.published)}, so its file is "
                                f"content/{month_of(found.published)}/{file.story_id}.po; run `kakehashi catalog "
                                "export` to move it")
    return None


def import_file(store: Store, translations_dir: Path, path: Path, *, dry_run: bool = False,
                limits: CatalogLimits = DEFAULT_LIMITS, unless_done: bool = False) -> ImportReport | None:
    """Check and import one catalog file.

    Raises ``CatalogError`` for a rejected file after recording it (unless ``dry_run``), and
    ``CatalogChanged`` (nothing recorded) when it was written while being read. With
    ``unless_done``, returns None without writing when the store already has this file's
    result (another worker got there first)."""
    path = Path(path)
    key = relative_key(translations_dir, path)
    seen = fingerprint_of(path)
    try:
        file = locate(translations_dir, path)
        report = ImportReport(path=str(path), lang=file.lang, dry_run=dry_run)
        if seen is None:
            raise CatalogError([Problem(str(path), 0, "no such file; run `kakehashi catalog export` first")])
        with open_catalog(Path(translations_dir), path, limits.max_bytes) as (stream, opened):
            seen = fingerprint(opened)

            def check_unchanged() -> None:
                if fingerprint(os.fstat(stream.fileno())) != seen:
                    raise CatalogChanged(f"{path} changed while being read; it is read again once saved")

            glossary = current_glossary(store)
            stories = _scan(stream, str(path), file, limits, report, None, True, glossary)
            check_unchanged()
            with store.reading() if dry_run else store.transaction() as session:
                if unless_done and not dry_run and _done(session, key, seen):
                    return None
                wrong = _story_problem(session, file, str(path))
                if wrong is not None:
                    raise CatalogError([wrong])
                stream.seek(0)
                applier = Applier(session, file.lang, report, not dry_run, stories, glossary)
                _scan(stream, str(path), file, limits, report, applier, False)
                check_unchanged()
                if not dry_run:
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


def changed_files(store: Store, translations_dir: Path, langs: Iterable[str] = CATALOG_LANGUAGES) -> list[Path]:
    """The files whose fingerprint is not the one last imported, and the files rejected at their
    last check (so they are reported again): what an import has to read. One stat per file and
    one query."""
    with store.reading() as session:
        known = state_fingerprints(session)
    changed = []
    for path, info in files_on_disk(translations_dir, tuple(langs)):
        recorded = known.get(relative_key(translations_dir, path))
        if recorded is None or recorded[0] != fingerprint(info) or not recorded[1]:
            changed.append(path)
    return changed
