"""The search index: what each reading language's reader is served, plus the sources, per story.

One row per story and language (``en``, ``ko``, ``ja``: the served title, and the served points
and quotes) and one for the sources (``src``: every snippet and its attribution), all
NFKC-normalised and case-folded (``text.search_form``), so matching is a plain substring
test. The engines do the substring test fast: SQLite's FTS5 with the trigram tokenizer (an
external-content table over ``search_docs``, kept in step by triggers), PostgreSQL's ``pg_trgm``
with GIN indexes (``LIKE '%…%'``). A query shorter than a trigram cannot use either index: it is
answered rank by rank, newest first, from the table itself (``_short_search``): same answers,
fast for common words, a scan for rare ones.

Kept current in the transaction of every change a reader can see: ``reindex`` runs from
``changes.bump_stories`` (story edits, machine translations stored, catalog imports), from
``stories.insert_story``, and from ``changes.publish_engines`` for the stories whose served
machine text a model change can move; ``unindex`` from ``stories.remove_story``. This module
only indexes: it moves no versions (``versions``), and nothing it imports calls back into it.

Best match first: a hit in the served title (3) beats one in the points or quotes (2), which
beats one in the sources only (1); then newest first. The rank is a whole number, so pages
follow with a keyset cursor ``(rank, published, id)`` like the story list.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from sqlalchemy import Connection, Date, ForeignKey, Index, Integer, String, Text, bindparam, delete, event, insert, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.domain import Field
from ..core.localize import Resolver
from ..core.textrules import search_form
from .chunking import chunks
from .models import Base, FieldRow, MachineTranslationRow, SnippetRow, StoryRow
from .reads import fields_of
from .translations import SessionHumanTranslations, SessionMachineTranslations, current_engines

SOURCES = "src"                       # the row of a story's sources, in every language's results
READER_LANGUAGES = ("en", "ko", "ja")
ROLES = ("title", "point", "quote")
TRIGRAM = 3
TITLE, SUMMARY, SOURCE = 3, 2, 1      # ranks

class SearchDocRow(Base):
    """One searchable document: a story as read in one language, or a story's sources."""

    __tablename__ = "search_docs"
    __table_args__ = (Index("ix_search_docs_story", "story_id", "lang", unique=True),
                      Index("ix_search_docs_recent", "lang", "published", "story_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    lang: Mapped[str] = mapped_column(String(8))
    published: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)


# The engines' side of the table; ``create_all`` (tests, tools) and migration 0005 both run it.
SQLITE_DDL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_docs', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER search_docs_au AFTER UPDATE ON search_docs BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)
SQLITE_DROP = ("DROP TRIGGER IF EXISTS search_docs_au", "DROP TRIGGER IF EXISTS search_docs_ad",
               "DROP TRIGGER IF EXISTS search_docs_ai", "DROP TABLE IF EXISTS search_fts")
POSTGRESQL_DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_search_docs_title_trgm ON search_docs USING gin (title gin_trgm_ops)",
    "CREATE INDEX ix_search_docs_body_trgm ON search_docs USING gin (body gin_trgm_ops)",
)


def engine_ddl(dialect: str) -> tuple[str, ...]:
    return {"sqlite": SQLITE_DDL, "postgresql": POSTGRESQL_DDL}.get(dialect, ())


def _create_engine_side(_table: object, connection: Connection, **_: object) -> None:
    for statement in engine_ddl(connection.dialect.name):
        connection.exec_driver_sql(statement)


def _drop_engine_side(_table: object, connection: Connection, **_: object) -> None:
    if connection.dialect.name == "sqlite":
        for statement in SQLITE_DROP:
            connection.exec_driver_sql(statement)


event.listen(SearchDocRow.__table__, "after_create", _create_engine_side)
event.listen(SearchDocRow.__table__, "before_drop", _drop_engine_side)


# -- keeping it current ---------------------------------------------------------------------------
def unindex(session: Session, story_ids: Iterable[str]) -> None:
    for chunk in chunks(sorted(set(story_ids))):
        session.execute(delete(SearchDocRow).where(SearchDocRow.story_id.in_(chunk)))


def reindex(session: Session, story_ids: Iterable[str], langs: Sequence[str] = READER_LANGUAGES) -> None:
    """Bring the documents of these stories up to date (gone stories lose theirs), in
    ``session``'s transaction; ``langs``: only these reading languages' documents (the sources
    row too when all are asked for). Only documents whose text changed are written: a trigram
    index entry costs far more to rewrite than to compare (a catalog import for one language
    touches one document of four)."""
    ids = sorted(set(story_ids))
    resolver = Resolver(human=SessionHumanTranslations(session),
                        machine=SessionMachineTranslations(session, current_engines(session)))
    wanted = [*langs, SOURCES] if tuple(langs) == READER_LANGUAGES else list(langs)
    for chunk in chunks(ids):
        published = dict(session.execute(select(StoryRow.id, StoryRow.published).where(StoryRow.id.in_(chunk))).all())
        present = [story_id for story_id in chunk if story_id in published]
        fields = fields_of(session, present, roles=ROLES)
        rows = [_reader_doc(story_id, lang, published[story_id], items)
                for lang in langs for story_id, items in _localized(fields, lang, resolver).items()]
        if SOURCES in wanted and present:
            rows += _source_docs(session, present, published)
        _write(session, chunk, wanted, rows)


def _write(session: Session, story_ids: list[str], langs: list[str], rows: list[dict[str, Any]]) -> None:
    """Make the stored documents of ``story_ids`` in ``langs`` exactly ``rows``, touching only
    those that differ."""
    stored = {(r.story_id, r.lang): r for r in session.execute(
        select(SearchDocRow.id, SearchDocRow.story_id, SearchDocRow.lang, SearchDocRow.published, SearchDocRow.title,
               SearchDocRow.body).where(SearchDocRow.story_id.in_(story_ids), SearchDocRow.lang.in_(langs)))}
    new, changed = [], []
    for row in rows:
        old = stored.pop((row["story_id"], row["lang"]), None)
        if old is None:
            new.append(row)
        elif (old.published, old.title, old.body) != (row["published"], row["title"], row["body"]):
            changed.append({"id": old.id, "published": row["published"], "title": row["title"], "body": row["body"]})
    gone = [old.id for old in stored.values()]
    for chunk in chunks(gone):
        session.execute(delete(SearchDocRow).where(SearchDocRow.id.in_(chunk)))
    if changed:
        session.execute(update(SearchDocRow), changed)
    if new:
        session.execute(insert(SearchDocRow), new)


def _localized(fields: dict[str, list[Field]], lang: str, resolver: Resolver) -> dict[str, list[tuple[str, str]]]:
    """Per story, (role, served text) of each field in ``lang``: one batched lookup for all."""
    flat = [f for items in fields.values() for f in items]
    served = resolver.localize(flat, lang)
    found: dict[str, list[tuple[str, str]]] = {story_id: [] for story_id in fields}
    for field, item in zip(flat, served, strict=True):
        found[field.story_id].append((field.role, item.text))
    return found


def _reader_doc(story_id: str, lang: str, published: dt.date, items: list[tuple[str, str]]) -> dict[str, object]:
    title = "\n".join(search_form(value) for role, value in items if role == "title")
    body = "\n".join(search_form(value) for role, value in items if role != "title")
    return {"story_id": story_id, "lang": lang, "published": published, "title": title, "body": body}


def _source_docs(session: Session, story_ids: list[str], published: dict[str, dt.date]) -> list[dict[str, object]]:
    texts: dict[str, list[str]] = defaultdict(list)
    for row in session.execute(select(SnippetRow.story_id, SnippetRow.text, SnippetRow.attribution)
                               .where(SnippetRow.story_id.in_(story_ids))
                               .order_by(SnippetRow.story_id, SnippetRow.position)):
        texts[row.story_id] += [search_form(row.text), search_form(row.attribution)]
    return [{"story_id": story_id, "lang": SOURCES, "published": published[story_id], "title": "",
             "body": "\n".join(texts[story_id])} for story_id in story_ids]


def stories_with_machine_text(session: Session, target_langs: Iterable[str]) -> list[str]:
    """Stories with a field that has a stored machine translation into one of ``target_langs``:
    the only ones whose served text a change of the current engines can move."""
    query = (select(FieldRow.story_id).distinct()
             .join(MachineTranslationRow, MachineTranslationRow.source_hash == FieldRow.source_hash)
             .where(MachineTranslationRow.target_lang.in_(list(target_langs))))
    return list(session.scalars(query))


def rebuild(session: Session) -> int:
    """Every story's documents, from scratch (the migration, and tools that load rows in bulk)."""
    ids = list(session.scalars(select(StoryRow.id)))
    session.execute(delete(SearchDocRow))
    for chunk in chunks(ids, 2000):
        reindex(session, chunk)
    return len(ids)


# -- searching --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    story_id: str
    published: dt.date
    rank: int


_RANKED = """
SELECT story_id, published, MAX(rank) AS rank FROM (
  SELECT d.story_id AS story_id, d.published AS published,
         CASE WHEN d.lang = 'src' THEN 1 WHEN {title_has} THEN 3 ELSE 2 END AS rank
  FROM {source} WHERE d.lang IN (:lang, 'src') AND {matches}
) hits GROUP BY story_id, published
"""
_PAGE = "SELECT story_id, published, rank FROM ({ranked}) ranked {after} " \
        "ORDER BY rank DESC, published DESC, story_id DESC LIMIT :limit"
_AFTER = "WHERE (rank, published, story_id) < (:after_rank, :after_published, :after_id)"


def _escape_like(value: str) -> str:
    return "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _ranked_sql(dialect: str, query: str) -> tuple[str, dict[str, object]]:
    """The per-story ranks of a normalized ``query`` (a trigram or longer), for this backend, and
    its parameters."""
    if dialect == "postgresql":
        return _RANKED.format(title_has="strpos(d.title, :q) > 0", source="search_docs d",
                              matches="(d.title LIKE :pattern ESCAPE '\\' OR d.body LIKE :pattern ESCAPE '\\')"), \
            {"q": query, "pattern": _escape_like(query)}
    return _RANKED.format(title_has="instr(d.title, :q) > 0",          # a phrase: all plain text, quotes doubled
                          source="search_fts JOIN search_docs d ON d.id = search_fts.rowid",
                          matches="search_fts MATCH :phrase"), {"q": query, "phrase": '"' + query.replace('"', '""') + '"'}


# Shorter than a trigram: no index can find the texts, so each rank is read newest first (the
# ``(lang, published, story_id)`` index) and the scan stops once the page is full; a common
# word stops after a page, a rare or absent one reads the table once per rank.
_BY_RANK = {
    TITLE: "d.lang = :lang AND {has}(d.title, :q) > 0",
    SUMMARY: "d.lang = :lang AND {has}(d.body, :q) > 0 AND {has}(d.title, :q) = 0",
    SOURCE: "d.lang = 'src' AND {has}(d.body, :q) > 0 AND NOT EXISTS (SELECT 1 FROM search_docs r WHERE "
            "r.story_id = d.story_id AND r.lang = :lang AND ({has}(r.title, :q) > 0 OR {has}(r.body, :q) > 0))",
}
_NEWEST = ("SELECT d.story_id AS story_id, d.published AS published FROM search_docs d WHERE {where} {after} "
           "ORDER BY d.published DESC, d.story_id DESC LIMIT :limit")


def _short_search(session: Session, lang: str, query: str, limit: int,
                  after: tuple[int, dt.date, str] | None) -> list[Hit]:
    has = "strpos" if session.get_bind().dialect.name == "postgresql" else "instr"
    found: list[Hit] = []
    for rank in (TITLE, SUMMARY, SOURCE):
        if after and rank > after[0]:
            continue
        within = after is not None and rank == after[0]
        sql = _NEWEST.format(where=_BY_RANK[rank].format(has=has),
                             after="AND (d.published, d.story_id) < (:after_published, :after_id)" if within else "")
        statement = text(sql).bindparams(bindparam("lang", lang), bindparam("q", query),
                                         bindparam("limit", limit - len(found)))
        if within and after is not None:
            statement = statement.bindparams(bindparam("after_published", after[1], type_=Date),
                                             bindparam("after_id", after[2]))
        typed = statement.columns(story_id=String, published=Date)
        found += [Hit(row.story_id, row.published, rank) for row in session.execute(typed)]
        if len(found) >= limit:
            break
    return found


def search(session: Session, lang: str, query: str, limit: int,
           after: tuple[int, dt.date, str] | None = None) -> list[Hit]:
    """Up to ``limit`` stories whose ``lang`` document or sources contain ``query`` (normalized
    by the caller), best first, strictly after the keyset position ``after``."""
    if len(query) < TRIGRAM:
        return _short_search(session, lang, query, limit, after)
    ranked, params = _ranked_sql(session.get_bind().dialect.name, query)
    sql = _PAGE.format(ranked=ranked, after=_AFTER if after else "")
    statement = text(sql).bindparams(bindparam("lang", lang), bindparam("limit", limit))
    if after:
        statement = statement.bindparams(bindparam("after_rank", after[0]),
                                         bindparam("after_published", after[1], type_=Date),
                                         bindparam("after_id", after[2]))
    typed = statement.columns(story_id=String, published=Date, rank=Integer)
    return [Hit(row.story_id, row.published, row.rank) for row in session.execute(typed, params)]
