"""What one catalog file changes in the store's human translations: counted in an
``ImportReport`` and, unless it is a dry run, written by the ``Applier``, ``CHUNK`` entries at
a time.

Apart from ``importer``, which reads and checks the file and decides what each entry asks for
(a reviewed text, or a withdrawal), because this is the store side of an import: rows are read
as plain tuples and the session is emptied after each chunk, so nothing accumulates over a
large file, and every write is by key, so two workers importing the same file at once cannot
collide.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..domain import source_hash
from ..store import Session
from ..store.catalogs import count_humans, delete_humans, humans_by_key, upsert_humans
from ..store.coverage import replace_fuzzy
from ..store.reads import all_fields
from ..store.versions import bump_stories
from ..text import JAPANESE_SCRIPT
from ..translate.memory import machine_origins
from . import Problem
from .limits import PROBLEMS_KEPT

Key = tuple[str, str]
CHUNK = 500


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

    def __init__(self, session: Session, lang: str, report: ImportReport, write: bool):
        self.session, self.lang, self.report, self.write = session, lang, report, write
        self.reviewed: list[tuple[Key, str]] = []
        self.withdrawn: list[Key] = []
        self.touched: set[str] = set()                 # contexts whose served text changed
        self.fuzzy: set[tuple[str, str]] = set()       # (msgctxt, source hash) marked fuzzy
        self.before = count_humans(session, lang)
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
            replace_fuzzy(self.session, self.lang, self.fuzzy)

    def _stored(self, keys: Iterable[Key]) -> dict[Key, tuple[str, str]]:
        return humans_by_key(self.session, self.lang, keys)

    def _flush_reviewed(self) -> None:
        if not self.reviewed:
            return
        batch, self.reviewed = self.reviewed, []
        rows = self._stored(key for key, _ in batch)
        source_langs = _source_languages(self.session, self.lang, [key for key, _ in batch])
        # machine text accepted unchanged is a reviewed machine translation (PRODUCT: reviewed_from)
        origins = machine_origins(self.session, self.lang, [(source_langs[key], key[1], text) for key, text in batch])
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
        self.session.expunge_all()
