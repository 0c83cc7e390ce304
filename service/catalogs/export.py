"""Write each story's catalog files, touching only the stories that changed since they were written.

For each story and language (and its ``.pot``) the store remembers what was last written
(``CatalogFileRow``: path, story version, engines generation, suggestion setting, the file's
fingerprint). A file is rendered again only when one of these moved, or it was marked
``stale``: a translator's work elsewhere gave it a new suggestion, or the watcher saw the file
deleted. (A translator's save is imported, which moves the story's version.) The database
finds those files in one join per language, so an export after one story changed reads
nothing about the others and renders one story; ``check_files`` also looks at every file on
disk, for a file deleted while no worker watched. a full first export streams the
archive ``BATCH`` stories at a time, so memory does not grow with it.

Stable: entries in template order, Babel's wrapping, and dates that only move when the content
does. A file is first rendered with the dates it already has; if that is byte for byte what is
on disk nothing is written (bytes and mtime kept). Otherwise ``PO-Revision-Date`` becomes now.

Atomic, and never over a translator's save: files are replaced through ``safefile``. A file
that changed between its reading and its replacement is merged again from the new file, up to
``ATTEMPTS`` times, after which that file fails with one ``file:0: reason`` line.

Safe: a file that does not parse is never overwritten (the translator's unsaved work might be
in it); that file fails with ``file:line: reason`` and the others go on.

A file written from what the store already holds (the file on disk was the one last written or
imported) is recorded as imported, so the watcher does not read 30,000 files after a first
export; a file that held a translator's unimported save is merged, written, and left for the
watcher to import with every check.

Deleted stories: their files go away when nothing in them is unimported (the store keeps every
human translation, so a story stored again gets them back); a file holding a translator's
unimported save is left and reported. A story whose publication month changed moves folder.
A legacy single ``content.po`` is imported, split into the stories' files (fuzzy flags,
previous msgids and comments kept) and renamed ``content.po.pre-split``.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..core.domain import Field, source_hash
from ..core.localize import MachineTranslations
from ..store import Store
from ..store.catalogs import (
    ExportMark,
    ExportStamp,
    catalog_states,
    engines_generation,
    export_stamps,
    files_of,
    forget_files,
    forget_state,
    orphan_files,
    record_files,
    record_states,
    replace_story_fuzzy,
    stories_due,
    story_count,
    story_human_texts,
    translations_by_text,
)
from ..store.reads import fields_of
from ..translate.glossary import glossary_comment
from ..translate.glossary_live import current_glossary
from . import (
    CATALOG_LANGUAGES,
    DEFAULT_LIMITS,
    TEMPLATES,
    CatalogError,
    CatalogLimits,
    Problem,
    legacy_path,
    relative_key,
    story_key,
)
from .merge import is_reviewed, merge, template_entries
from .parse import parse
from .pofile import HEADER_COMMENT, LANGUAGE_TEAMS, Entry, PoFile, header_fields, render, stamp
from .safefile import FileChanged, Snapshot, atomic_write, file_fingerprint, read_whole

ATTEMPTS = 3
BATCH = 100                     # stories rendered per store read
WRITTEN_KEPT = 1000             # file names an export report keeps (the count is always whole)
PRE_SPLIT = ".pre-split"        # the suffix a split legacy catalog is kept under

Progress = Callable[[int, int], None]
AfterRead = Callable[[Path], None]     # called with a file's path once the export has read it


@dataclass
class ExportReport:
    """What an export did: files written, found unchanged, not even rendered, removed."""
    written: list[str] = field(default_factory=list)     # the first WRITTEN_KEPT names; ``files_written`` counts all
    files_written: int = 0
    rendered: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)        # deleted stories' files with unimported saves
    split: list[str] = field(default_factory=list)       # legacy catalogs split into story files
    entries: int = 0
    reviewed: int = 0
    fuzzy: int = 0
    obsolete: int = 0

    def lines(self, limit: int = 20) -> list[str]:
        out = [f"{path}: written" for path in self.written[:limit]]
        if self.files_written > limit:
            out.append(f"... and {self.files_written - limit} more written")
        out += [f"{path}: split into one file per story, kept as {path}{PRE_SPLIT}" for path in self.split]
        out += [f"{path}: removed (its story was deleted; its reviewed translations stay in the store)"
                for path in self.removed[:limit]]
        out += [f"{path}: left in place: its story was deleted but the file has changes not yet imported"
                for path in self.kept]
        out.append(f"{self.files_written} file(s) written, {self.unchanged} unchanged, {self.skipped} not changed "
                   f"since the last export, {len(self.removed)} removed; rendered entries: {self.entries} "
                   f"({self.reviewed} reviewed, {self.fuzzy} fuzzy, {self.obsolete} obsolete)")
        return out


@dataclass(frozen=True)
class _Target:
    """One file to render: a story in one language (``TEMPLATES``: its template)."""
    stamp: ExportStamp
    lang: str
    path: Path
    key: str
    mark: ExportMark | None


def _needs_render(target: _Target, engines: int, suggestions: bool, look: bool) -> bool:
    """Is the file behind what the store says (with ``look``, also: not the file on disk that
    was written)?"""
    mark = target.mark
    if mark is None or mark.stale or mark.path != target.key or mark.story_version != target.stamp.version:
        return True
    if suggestions and target.lang != TEMPLATES and (not mark.suggestions or mark.engines_generation != engines):
        return True
    return look and (file_fingerprint(target.path) or "") != mark.fingerprint


def read_existing(path: Path, limits: CatalogLimits) -> tuple[Snapshot, PoFile | None]:
    """The file as it is, read safely (``safefile``: a symlink, FIFO or oversized file is
    refused with ``CatalogError`` and left alone)."""
    found = read_whole(path, limits.max_bytes)
    if found is None:
        return Snapshot(path, None, None), None
    data, fingerprint = found
    return Snapshot(path, fingerprint, data), parse(data, str(path), limits)


def _retrying(path: Path, attempt: Callable[[], "_Rendered"]) -> "_Rendered":
    """Run one file's read-merge-write again while the file keeps changing under it."""
    for _ in range(ATTEMPTS):
        try:
            return attempt()
        except FileChanged:
            continue
    raise CatalogError([Problem(str(path), 0, f"changed while being exported, {ATTEMPTS} times in a row (is "
                                              "someone saving it?); left as it is, export again")])


@dataclass(frozen=True)
class _Rendered:
    written: bool
    before: str | None          # the fingerprint of the file that was merged (None: there was none)
    after: str
    entries: list[Entry]


def _fit(entries: list[Entry], build: Callable[[list[Entry]], bytes], max_bytes: int) -> bytes:
    """The file's bytes, under ``max_bytes`` (``CatalogLimits.max_export_bytes``): obsolete
    entries (the store keeps reviewed ones) go first, oldest-sorted last, when a story's history
    would make the file too big."""
    data = build(entries)
    obsolete = [e for e in entries if e.obsolete]
    while len(data) > max_bytes and obsolete:
        drop = obsolete.pop()
        entries = [e for e in entries if e is not drop]
        data = build(entries)
    return data


def _write(target: _Target, template: list[Entry], humans: dict[tuple[str | None, str], str],
           memory: dict[tuple[str, str], tuple[str, str]], machine: dict[tuple[str, str], tuple[str, str]] | None,
           now: dt.datetime, limits: CatalogLimits, moved_from: Path | None,
           carried: PoFile | None, after_read: AfterRead | None) -> _Rendered:
    snapshot, existing = read_existing(target.path, limits)
    if after_read is not None:
        after_read(target.path)
    source = existing
    if existing is None and moved_from is not None:
        source = read_existing(moved_from, limits)[1]
    old_entries = (source.entries if source else []) + (carried.entries if carried else [])
    source = source or carried           # a split legacy file's header (translator, team) carries over
    if target.lang == TEMPLATES:
        entries = template
    else:
        entries = merge(template, old_entries, humans, machine, memory)

    def build(keep_dates: bool) -> bytes:
        old_pot = source.header_value("POT-Creation-Date") if source else None
        old_revision = source.header_value("PO-Revision-Date") if source else None
        if target.lang == TEMPLATES:
            date = old_pot if keep_dates and old_pot else stamp(now)
            comments = [HEADER_COMMENT[0].format(what=f"template of story {target.stamp.id}")] + HEADER_COMMENT[1:]
            return _fit(entries, lambda kept: render(PoFile(header=header_fields(None, None, date, date),
                                                            header_comments=comments, header_fuzzy=True,
                                                            entries=kept)), limits.max_export_bytes)
        dates = (old_pot or stamp(now), old_revision or stamp(now)) if keep_dates else (old_pot or stamp(now), stamp(now))
        comments = (source.header_comments if source and source.header_comments else
                    [HEADER_COMMENT[0].format(what=f"{LANGUAGE_TEAMS[target.lang]}, story {target.stamp.id}")]
                    + HEADER_COMMENT[1:])
        return _fit(entries, lambda kept: render(PoFile(header=header_fields(source, target.lang, *dates),
                                                        header_comments=comments, entries=kept)),
                    limits.max_export_bytes)

    if snapshot.data is None and not entries:
        return _Rendered(False, None, "", [])      # nothing to translate into this language: no file
    written = False
    if snapshot.data is None or build(True) != snapshot.data:
        atomic_write(target.path, build(False), snapshot)
        written = True
    after = file_fingerprint(target.path) or ""
    return _Rendered(written, snapshot.fingerprint, after, entries)


class _Export:
    """One run of ``export_catalogs``: the report, and what is recorded after each batch."""

    def __init__(self, store: Store, translations_dir: Path, langs: list[str], machine: MachineTranslations | None,
                 now: dt.datetime, limits: CatalogLimits, after_read: AfterRead | None = None):
        self.store, self.dir, self.langs, self.machine = store, Path(translations_dir), langs, machine
        self.now, self.limits, self.after_read = now, limits, after_read
        self.report = ExportReport()
        self.problems: list[Problem] = []
        self.carried: dict[tuple[str, str], PoFile] = {}     # legacy entries, by (lang, story id)
        self.glossary = current_glossary(store)               # its terms ride along as extracted comments

    def run(self, since: dt.date | None, progress: Progress | None, check_files: bool) -> ExportReport:
        split = self._import_legacy()
        langs = [*self.langs, TEMPLATES]
        suggestions = self.machine is not None
        every = check_files or bool(split)            # every story's files, each looked at on disk
        with self.store.reading() as session:
            engines = engines_generation(session)
            total = story_count(session, None if split else since)
            gone = orphan_files(session)
        after: tuple[dt.date, str] | None = None
        done = 0
        while True:
            with self.store.reading() as session:
                if every:
                    page = export_stamps(session, None if split else since, after, BATCH)
                else:
                    page = stories_due(session, langs, since, engines, suggestions, after, BATCH)
                marks = files_of(session, langs, [stamp_.id for stamp_ in page])
            if not page:
                break
            after = (page[-1].published, page[-1].id)
            targets = []
            for stamp_ in page:
                for lang in langs:
                    key = story_key(lang, stamp_.id, stamp_.published)
                    target = _Target(stamp_, lang, self.dir / key, key, marks.get((lang, stamp_.id)))
                    if (lang, stamp_.id) in self.carried or _needs_render(target, engines, suggestions, every):
                        targets.append(target)
            self._batch(targets, engines)
            done += len(page)
            self.report.rendered += len(targets)
            if progress is not None:
                progress(done, total if every else done)
        self.report.skipped = max(0, total * len(langs) - self.report.rendered)
        self._remove_deleted(gone)
        for path in split:
            os.replace(path, path.with_name(path.name + PRE_SPLIT))
            self.report.split.append(relative_key(self.dir, path))
        legacy_pot = legacy_path(self.dir, TEMPLATES)
        if split and legacy_pot.is_file() and not legacy_pot.is_symlink():
            legacy_pot.unlink()
        if self.problems:
            raise CatalogError(self.problems)
        return self.report

    def _import_legacy(self) -> list[Path]:
        """Each language's old single ``content.po``: imported (all of it or nothing, with every
        check), then its entries carried into the stories' files. A broken one stops that
        language's split with its ``file:line``; the file stays as it is."""
        from .importer import import_file  # the import runs first: nothing of it may be lost

        split = []
        for lang in self.langs:
            path = legacy_path(self.dir, lang)
            if not path.is_file() or path.is_symlink():
                continue
            try:
                import_file(self.store, self.dir, path, limits=self.limits)
                found = read_whole(path, self.limits.max_bytes)
                po = parse(found[0], str(path), self.limits) if found else PoFile()
            except CatalogError as error:
                self.problems += error.problems
                continue
            for entry in po.entries:
                story_id = (entry.context or "").rpartition("/")[0]
                carried = self.carried.setdefault((lang, story_id), PoFile(header=po.header,
                                                                           header_comments=po.header_comments))
                carried.entries.append(entry)
            split.append(path)
        return split

    def _batch(self, targets: list[_Target], engines: int) -> None:
        ids = sorted({t.stamp.id for t in targets})
        with self.store.reading() as session:
            fields = fields_of(session, ids)
            humans = {lang: story_human_texts(session, lang, ids) for lang in self.langs}
            hashes = {f.source_hash for flist in fields.values() for f in flist}
            elsewhere = {lang: translations_by_text(session, lang, hashes) for lang in self.langs}
            states = {row.path: (row.fingerprint, row.ok) for row in
                      catalog_states(session, [t.key for t in targets])}
        recorded, imported, fuzzy = [], [], {}
        for target in targets:
            story_fields = fields[target.stamp.id]
            try:
                rendered = self._render(target, story_fields, humans, elsewhere)
            except CatalogError as error:
                self.problems += error.problems
                continue
            self._count(target, rendered)
            recorded.append({"lang": target.lang, "story_id": target.stamp.id, "path": target.key,
                             "story_version": target.stamp.version, "engines_generation": engines,
                             "suggestions": self.machine is not None or bool(target.mark and target.mark.suggestions),
                             "fingerprint": rendered.after, "stale": False, "written_at": self.now})
            if target.lang != TEMPLATES and rendered.after and self._in_sync(target, rendered, states):
                imported.append((target.key, rendered.after))
                fuzzy[(target.lang, target.stamp.id)] = _fuzzy_keys(rendered.entries, story_fields)
        moved = [t for t in targets if t.mark is not None and t.mark.path != t.key]
        with self.store.transaction() as session:
            record_files(session, recorded)
            record_states(session, imported)
            for (lang, story_id), keys in fuzzy.items():
                replace_story_fuzzy(session, lang, [story_id], keys)
            forget_state(session, [t.mark.path for t in moved if t.mark is not None])

    def _render(self, target: _Target, story_fields: list[Field], humans: dict[str, dict[tuple[str | None, str], str]],
                elsewhere: dict[str, dict[str, list[tuple[str, str]]]]) -> _Rendered:
        lang = target.lang
        template = template_entries(story_fields, None if lang == TEMPLATES else lang)
        if lang != TEMPLATES:
            for entry in template:
                assert entry.source_lang is not None
                comment = glossary_comment(self.glossary, entry.source_lang, lang, entry.msgid)
                if comment:
                    entry.auto_comments.append(comment)
        story_humans = humans.get(lang, {})
        memory: dict[tuple[str, str], tuple[str, str]] = {}
        machine = None
        if lang != TEMPLATES:
            for entry in template:
                assert entry.source_lang is not None
                candidates = elsewhere[lang].get(source_hash(entry.source_lang, entry.msgid), [])
                found = next((c for c in candidates if c[1] != target.stamp.id), None)
                if found:
                    memory[(entry.source_lang, entry.msgid)] = found
            if self.machine is not None:
                wanted = {(e.source_lang, e.msgid) for e in template if e.source_lang is not None}
                machine = dict(self.machine.lookup(lang, wanted)) if wanted else {}
        moved_from = self.dir / target.mark.path if target.mark and target.mark.path != target.key else None
        rendered = _retrying(target.path, lambda: _write(target, template, story_humans, memory, machine, self.now,
                                                         self.limits, moved_from, self.carried.get((lang, target.stamp.id)),
                                                         self.after_read))
        if moved_from is not None and moved_from.is_file() and not moved_from.is_symlink():
            moved_from.unlink()
        return rendered

    def _in_sync(self, target: _Target, rendered: _Rendered, states: dict[str, tuple[str, bool]]) -> bool:
        """Was everything in the merged file already in the store? Then the file written is
        what an import would make of it, and is recorded as imported."""
        if (target.lang, target.stamp.id) in self.carried or (target.mark and target.mark.path != target.key):
            return False
        before = rendered.before
        if before is None:
            return True
        if target.mark is not None and before == target.mark.fingerprint:
            return True
        state = states.get(target.key)
        return state is not None and state == (before, True)

    def _count(self, target: _Target, rendered: _Rendered) -> None:
        active = [e for e in rendered.entries if not e.obsolete]
        self.report.entries += len(active)
        self.report.reviewed += sum(is_reviewed(e) for e in active)
        self.report.fuzzy += sum(e.fuzzy for e in active)
        self.report.obsolete += len(rendered.entries) - len(active)
        if rendered.written:
            self.report.files_written += 1
            if len(self.report.written) < WRITTEN_KEPT:
                self.report.written.append(target.key)
        else:
            self.report.unchanged += 1

    def _remove_deleted(self, gone: dict[tuple[str, str], ExportMark]) -> None:
        if not gone:
            return
        with self.store.reading() as session:
            states = {row.path: (row.fingerprint, row.ok) for row in
                      catalog_states(session, [mark.path for mark in gone.values()])}
        forgotten = []
        for key, mark in sorted(gone.items()):
            path = self.dir / mark.path
            now = file_fingerprint(path)
            if now is not None and now != mark.fingerprint and states.get(mark.path) != (now, True):
                self.report.kept.append(mark.path)
                continue
            if now is not None:
                path.unlink()
                self.report.removed.append(mark.path)
            forgotten.append(key)
        with self.store.transaction() as session:
            forget_files(session, forgotten)
            forget_state(session, [gone[key].path for key in forgotten])


def _fuzzy_keys(entries: Iterable[Entry], fields: list[Field]) -> set[tuple[str, str]]:
    langs = {(f.context, f.source_text): f.source_lang for f in fields}
    return {(e.context or "", source_hash(langs[(e.context or "", e.msgid)], e.msgid))
            for e in entries if e.fuzzy and not e.obsolete and (e.context or "", e.msgid) in langs}


def export_catalogs(store: Store, translations_dir: Path, langs: Iterable[str] = CATALOG_LANGUAGES,
                    machine: MachineTranslations | None = None, now: dt.datetime | None = None,
                    limits: CatalogLimits = DEFAULT_LIMITS, since: dt.date | None = None,
                    progress: Progress | None = None, check_files: bool = False,
                    after_read: AfterRead | None = None) -> ExportReport:
    """Write the files of every story (published on or after ``since``) that changed since its
    files were written, in ``langs`` and the templates. ``machine`` (the resolver's machine
    lookup) adds suggestions to empty entries. Files that cannot be written (broken, or saved
    over and over meanwhile) are reported together at the end as one ``CatalogError``; the
    others are written. With ``check_files`` every story's files are looked at on disk too (a
    file deleted while no worker watched); otherwise the store's record of what was written
    decides, and one changed story costs one story's work. ``after_read`` is called with each
    file's path between reading it and replacing it (the window in which a translator's save
    makes the export merge again: the tests save there)."""
    run = _Export(store, translations_dir, list(langs), machine, now or dt.datetime.now(dt.timezone.utc), limits,
                  after_read)
    return run.run(since, progress, check_files)
