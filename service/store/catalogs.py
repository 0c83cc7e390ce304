"""Queries of the translators' side: human translations by catalog key, each catalog file's
recorded state (last fingerprint checked, ok or the first problem), and what export last wrote
for each story and language.

Keys are ``(msgctxt, msgid)``. Rows are read as plain tuples so a large import accumulates
nothing in the session.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import and_, delete, exists, func, or_, select, tuple_, update
from sqlalchemy.orm import Session

from ..core.domain import FIELD_ROLES, field_context
from .chunking import chunks
from .models import CatalogFileRow, CatalogFuzzyRow, CatalogStateRow, FieldRow, HumanTranslationRow, SiteStateRow, StoryRow
from .upsert import upsert
from .versions import bump_site

Key = tuple[str, str]


def story_human_texts(session: Session, lang: str, story_ids: Iterable[str]) -> dict[tuple[str | None, str], str]:
    """The stored human translations into ``lang`` of some stories' fields, by key (a catalog
    entry's msgctxt may be absent, so the key type allows it; a stored row always has one)."""
    query = select(HumanTranslationRow.context, HumanTranslationRow.source_text,
                   HumanTranslationRow.text).where(HumanTranslationRow.lang == lang)
    found: dict[tuple[str | None, str], str] = {}
    for part in chunks(story_contexts(story_ids)):
        for context, source, text in session.execute(query.where(HumanTranslationRow.context.in_(part))):
            found[(context, source)] = text
    return found


def story_contexts(story_ids: Iterable[str]) -> list[str]:
    """Every msgctxt a story's fields can have: its rows are found through the primary key."""
    return [field_context(story_id, role) for story_id in sorted(set(story_ids)) for role in FIELD_ROLES]


def translations_by_text(session: Session, lang: str, source_hashes: Iterable[str],
                         per_text: int = 3) -> dict[str, list[tuple[str, str]]]:
    """For each source text (by hash), translators' texts for it in any story: up to
    ``per_text`` (text, story id) pairs, the most recently imported first."""
    found: dict[str, list[tuple[str, str]]] = {}
    for part in chunks(sorted(set(source_hashes))):
        rows = session.execute(select(HumanTranslationRow.source_hash, HumanTranslationRow.context,
                                      HumanTranslationRow.text)
                               .where(HumanTranslationRow.lang == lang, HumanTranslationRow.source_hash.in_(part),
                                      HumanTranslationRow.text != "")
                               .order_by(HumanTranslationRow.imported_at.desc(), HumanTranslationRow.context))
        for digest, context, text in rows:
            candidates = found.setdefault(digest, [])
            if len(candidates) < per_text:
                candidates.append((text, context.rpartition("/")[0]))
    return found


def stories_with_texts(session: Session, source_hashes: Iterable[str]) -> set[str]:
    """Stories having a field with one of these source texts."""
    found: set[str] = set()
    for part in chunks(sorted(set(source_hashes))):
        found.update(session.scalars(select(FieldRow.story_id).where(FieldRow.source_hash.in_(part))))
    return found


# --- what export wrote ----------------------------------------------------------------------

@dataclass(frozen=True)
class ExportStamp:
    """A story as export sees it: where its files go and which version they must show."""
    id: str
    published: dt.date
    version: int


def export_stamps(session: Session, since: dt.date | None = None, after: tuple[dt.date, str] | None = None,
                  limit: int | None = None) -> list[ExportStamp]:
    """Stories (published on or after ``since``), newest first, a page at a time."""
    query = select(StoryRow.id, StoryRow.published, StoryRow.version).order_by(StoryRow.published.desc(),
                                                                               StoryRow.id.desc())
    if since is not None:
        query = query.where(StoryRow.published >= since)
    if after is not None:
        query = query.where(tuple_(StoryRow.published, StoryRow.id) < tuple_(*after))
    if limit is not None:
        query = query.limit(limit)
    return [ExportStamp(*row) for row in session.execute(query)]


def engines_generation(session: Session) -> int:
    return session.scalar(select(SiteStateRow.engines_generation).where(SiteStateRow.id == 1)) or 0


@dataclass(frozen=True)
class ExportMark:
    """What export last wrote for one story in one language (``CatalogFileRow``, as a plain tuple)."""
    path: str
    story_version: int
    engines_generation: int
    suggestions: bool
    fingerprint: str
    stale: bool


def stories_due(session: Session, langs: list[str], since: dt.date | None, engines: int, suggestions: bool,
                after: tuple[dt.date, str] | None, limit: int) -> list[ExportStamp]:
    """Up to ``limit`` stories (newest first, strictly after ``after``) with a file in one of
    ``langs`` to render: never written, written from an older version, marked stale, or (with
    suggestions) written before the engines changed. The database decides, so nothing is read
    for the stories that are up to date; pages keep a full export's memory flat."""
    mark = CatalogFileRow
    current = and_(mark.story_id == StoryRow.id, mark.story_version == StoryRow.version, mark.stale.is_(False))
    if suggestions:
        current = and_(current, mark.suggestions.is_(True), mark.engines_generation == engines)
    behind = or_(*(~exists().where(current, mark.lang == lang) for lang in langs))
    query = (select(StoryRow.id, StoryRow.published, StoryRow.version).where(behind)
             .order_by(StoryRow.published.desc(), StoryRow.id.desc()).limit(limit))
    if since is not None:
        query = query.where(StoryRow.published >= since)
    if after is not None:
        query = query.where(tuple_(StoryRow.published, StoryRow.id) < tuple_(*after))
    return [ExportStamp(*row) for row in session.execute(query)]


def files_of(session: Session, langs: Iterable[str], story_ids: Iterable[str]) -> dict[tuple[str, str], ExportMark]:
    """What export last wrote for these stories, by (lang, story id)."""
    mark = CatalogFileRow
    found: dict[tuple[str, str], ExportMark] = {}
    for part in chunks(sorted(set(story_ids))):
        query = (select(mark.lang, mark.story_id, mark.path, mark.story_version, mark.engines_generation,
                        mark.suggestions, mark.fingerprint, mark.stale)
                 .where(mark.lang.in_(list(langs)), mark.story_id.in_(part)))
        for row in session.execute(query):
            found[(row.lang, row.story_id)] = ExportMark(row.path, row.story_version, row.engines_generation,
                                                         bool(row.suggestions), row.fingerprint, bool(row.stale))
    return found


def story_count(session: Session, since: dt.date | None = None) -> int:
    query = select(func.count()).select_from(StoryRow)
    if since is not None:
        query = query.where(StoryRow.published >= since)
    return session.scalar(query) or 0


def orphan_files(session: Session) -> dict[tuple[str, str], ExportMark]:
    """What export wrote for stories that are gone, by (lang, story id)."""
    mark = CatalogFileRow
    query = (select(mark.lang, mark.story_id, mark.path, mark.story_version, mark.engines_generation,
                    mark.suggestions, mark.fingerprint, mark.stale)
             .where(~exists().where(StoryRow.id == mark.story_id)))
    found: dict[tuple[str, str], ExportMark] = {}
    for row in session.execute(query):
        found[(row.lang, row.story_id)] = ExportMark(row.path, row.story_version, row.engines_generation,
                                                     bool(row.suggestions), row.fingerprint, bool(row.stale))
    return found


def mark_path_stale(session: Session, path: str) -> None:
    """The file written at ``path`` is gone (a translator deleted it): write it again next time."""
    session.execute(update(CatalogFileRow).where(CatalogFileRow.path == path).values(stale=True))


def record_files(session: Session, rows: list[dict[str, Any]]) -> None:
    upsert(session, CatalogFileRow, rows)


def forget_files(session: Session, keys: Iterable[tuple[str, str]]) -> None:
    for part in chunks(sorted(set(keys))):
        session.execute(delete(CatalogFileRow).where(tuple_(CatalogFileRow.lang, CatalogFileRow.story_id).in_(part)))


def mark_stale(session: Session, lang: str, story_ids: Iterable[str]) -> None:
    """These stories' files in ``lang`` must be rendered again at the next export (a suggestion
    they could offer changed) though the stories themselves did not change."""
    for part in chunks(sorted(set(story_ids))):
        session.execute(update(CatalogFileRow).where(CatalogFileRow.lang == lang, CatalogFileRow.story_id.in_(part))
                        .values(stale=True))


def mark_stories_stale(session: Session, story_ids: Iterable[str]) -> None:
    """These stories' files in every language (and their templates) must be rendered again at the
    next export: what their comments say changed (a glossary term they hold)."""
    for part in chunks(sorted(set(story_ids))):
        session.execute(update(CatalogFileRow).where(CatalogFileRow.story_id.in_(part)).values(stale=True))


def replace_story_fuzzy(session: Session, lang: str, story_ids: Iterable[str], keys: Iterable[tuple[str, str]]) -> None:
    """The catalog files of these stories in ``lang`` now have exactly these fuzzy
    (msgctxt, source hash) entries."""
    for part in chunks(story_contexts(story_ids)):
        session.execute(delete(CatalogFuzzyRow).where(CatalogFuzzyRow.lang == lang, CatalogFuzzyRow.context.in_(part)))
    rows = [{"lang": lang, "context": context, "source_hash": digest} for context, digest in sorted(set(keys))]
    upsert(session, CatalogFuzzyRow, rows)


def count_humans(session: Session, lang: str, story_ids: Iterable[str]) -> int:
    """How many human translations into ``lang`` these stories' fields have."""
    total = 0
    for part in chunks(story_contexts(story_ids)):
        total += session.scalar(select(func.count()).select_from(HumanTranslationRow)
                                .where(HumanTranslationRow.lang == lang, HumanTranslationRow.context.in_(part))) or 0
    return total


def humans_by_key(session: Session, lang: str, keys: Iterable[Key]) -> dict[Key, tuple[str, str]]:
    """(text, source_hash) of the stored rows with these keys: only those rows are read, so a
    story with thousands of entries under one msgctxt costs no more than the keys asked for."""
    wanted = set(keys)
    found: dict[Key, tuple[str, str]] = {}
    for part in chunks(sorted(wanted), 200):
        query = (select(HumanTranslationRow.context, HumanTranslationRow.source_text, HumanTranslationRow.text,
                        HumanTranslationRow.source_hash)
                 .where(HumanTranslationRow.lang == lang,
                        HumanTranslationRow.context.in_(sorted({context for context, _ in part})),
                        HumanTranslationRow.source_text.in_([source for _, source in part])))
        for context, source, text, digest in session.execute(query):
            if (context, source) in wanted:
                found[(context, source)] = (text, digest)
    return found


def upsert_humans(session: Session, rows: list[dict[str, Any]]) -> None:
    upsert(session, HumanTranslationRow, rows)


def delete_humans(session: Session, lang: str, keys: list[tuple[str, str]]) -> None:
    """Delete the rows with these (msgctxt, source hash)."""
    for part in chunks(keys):
        session.execute(delete(HumanTranslationRow).where(
            HumanTranslationRow.lang == lang,
            tuple_(HumanTranslationRow.context, HumanTranslationRow.source_hash).in_(part)))


def record_state(session: Session, key: str, fingerprint: str | None, ok: bool, error: str | None,
                 details: dict[str, Any] | None) -> None:
    """Upsert the catalog's state row: two workers (or a worker and the CLI) recording the same
    file at once both succeed, the last one wins."""
    upsert(session, CatalogStateRow, [{"path": key, "fingerprint": fingerprint or "", "ok": ok, "error": error,
                                       "details": details, "checked_at": dt.datetime.now(dt.timezone.utc)}])
    bump_site(session)    # coverage shows each catalog's state and fuzzy entries


def record_states(session: Session, states: list[tuple[str, str]]) -> None:
    """Many files found ok at once, as (path, fingerprint): export records the files it wrote
    from what the store holds, so the watcher does not import them again."""
    moment = dt.datetime.now(dt.timezone.utc)
    for part in chunks(states):
        upsert(session, CatalogStateRow, [{"path": path, "fingerprint": fingerprint, "ok": True, "error": None,
                                           "details": None, "checked_at": moment} for path, fingerprint in part])
    if states:
        bump_site(session)


def catalog_state(session: Session, key: str) -> CatalogStateRow | None:
    return session.get(CatalogStateRow, key)


def forget_failed_state(session: Session, key: str) -> None:
    """Drop a failed state (its file is gone: a file that is not there is not broken)."""
    row = session.get(CatalogStateRow, key)
    if row is not None and not row.ok:
        session.delete(row)


def catalog_states(session: Session, keys: Iterable[str]) -> list[CatalogStateRow]:
    found: list[CatalogStateRow] = []
    for part in chunks(sorted(set(keys))):
        found += session.scalars(select(CatalogStateRow).where(CatalogStateRow.path.in_(part)))
    return sorted(found, key=lambda row: row.path)


def state_fingerprints(session: Session) -> dict[str, tuple[str, bool]]:
    """Every recorded file's (fingerprint, ok), by path: what the watcher compares with at start."""
    return {path: (fingerprint, bool(ok)) for path, fingerprint, ok in
            session.execute(select(CatalogStateRow.path, CatalogStateRow.fingerprint, CatalogStateRow.ok))}


def state_counts(session: Session, prefix: str | None = None) -> dict[str, int]:
    """How many recorded files (under ``prefix``) are ok and how many broken."""
    counts = {"ok": 0, "broken": 0}
    query = select(CatalogStateRow.ok, func.count()).group_by(CatalogStateRow.ok)
    if prefix is not None:
        query = query.where(CatalogStateRow.path.startswith(prefix, autoescape=True))
    for ok, number in session.execute(query):
        counts["ok" if ok else "broken"] += number
    return counts


def broken_states(session: Session, limit: int, prefix: str | None = None) -> list[CatalogStateRow]:
    """The first ``limit`` broken files (by path; under ``prefix`` only)."""
    query = select(CatalogStateRow).where(CatalogStateRow.ok.is_(False))
    if prefix is not None:
        query = query.where(CatalogStateRow.path.startswith(prefix, autoescape=True))
    return list(session.scalars(query.order_by(CatalogStateRow.path).limit(limit)))


def forget_state(session: Session, keys: Iterable[str]) -> None:
    for part in chunks(sorted(set(keys))):
        session.execute(delete(CatalogStateRow).where(CatalogStateRow.path.in_(part)))
