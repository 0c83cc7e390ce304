"""Plain selects for the read model: rows straight into domain objects, no ORM object graph.

Every list reads only what it shows: a page of stories is found through the
``(published, id)`` index with a keyset cursor, never by loading the archive.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from ..core.domain import Field, Snippet, Story
from .chunking import chunks
from .models import FieldRow, SnippetRow, StoryRow
from .versions import as_utc

NEWEST_FIRST = (StoryRow.published.desc(), StoryRow.id.desc())


@dataclass(frozen=True)
class StoryStamp:
    """Where a story sits in the newest-first order, and its version."""

    id: str
    published: dt.date
    version: int
    updated_at: dt.datetime

    @property
    def position(self) -> tuple[dt.date, str]:
        return (self.published, self.id)


_FIELD_COLUMNS = (FieldRow.story_id, FieldRow.role, FieldRow.position, FieldRow.source_index,
                  FieldRow.source_lang, FieldRow.source_text, FieldRow.attribution)


def _field(row: Any) -> Field:
    """A ``FieldRow`` or a selected row with the same columns."""
    return Field(story_id=row.story_id, role=row.role, position=row.position, source_index=row.source_index,
                 source_lang=row.source_lang, source_text=row.source_text, attribution=row.attribution)


def story(session: Session, story_id: str) -> Story | None:
    """One story with its snippets and summary fields: three indexed selects."""
    head = session.execute(select(StoryRow.id, StoryRow.published, StoryRow.title)
                           .where(StoryRow.id == story_id)).first()
    if head is None:
        return None
    snippets = tuple(Snippet(lang=r.lang, kind=r.kind, text=r.text, attribution=r.attribution, url=r.url,
                             date=r.date) for r in session.execute(
        select(SnippetRow.lang, SnippetRow.kind, SnippetRow.text, SnippetRow.attribution, SnippetRow.url,
               SnippetRow.date).where(SnippetRow.story_id == story_id).order_by(SnippetRow.position)))
    fields = tuple(_field(r) for r in session.execute(
        select(*_FIELD_COLUMNS).where(FieldRow.story_id == story_id).order_by(FieldRow.position)))
    return Story(id=head.id, published=head.published, title=head.title, snippets=snippets, fields=fields)


def newest(session: Session, limit: int, after: tuple[dt.date, str] | None = None) -> list[StoryStamp]:
    """Up to ``limit`` stories, newest first, strictly after the cursor position ``after``."""
    query = select(StoryRow.id, StoryRow.published, StoryRow.version, StoryRow.updated_at).order_by(*NEWEST_FIRST)
    if after is not None:
        query = query.where(tuple_(StoryRow.published, StoryRow.id) < tuple_(*after))
    return [StoryStamp(r.id, r.published, r.version, as_utc(r.updated_at))
            for r in session.execute(query.limit(limit))]


def fields_of(session: Session, story_ids: Sequence[str], roles: Iterable[str] | None = None) -> dict[str, list[Field]]:
    """The summary fields of some stories (optionally of some roles only), in position order."""
    found: dict[str, list[Field]] = {story_id: [] for story_id in story_ids}
    for chunk in chunks(story_ids):
        query = select(*_FIELD_COLUMNS).where(FieldRow.story_id.in_(chunk))
        if roles is not None:
            query = query.where(FieldRow.role.in_(list(roles)))
        for row in session.execute(query.order_by(FieldRow.story_id, FieldRow.position)):
            found[row.story_id].append(_field(row))
    return found


def all_fields(session: Session, story_ids: Iterable[str] | None = None) -> list[Field]:
    """Every summary field (or those of some stories), in story and position order."""
    query = select(*_FIELD_COLUMNS).order_by(FieldRow.story_id, FieldRow.position)
    if story_ids is None:
        return [_field(row) for row in session.execute(query)]
    found: list[Field] = []
    for chunk in chunks(sorted(set(story_ids))):
        found += [_field(row) for row in session.execute(query.where(FieldRow.story_id.in_(chunk)))]
    return found


def story_exists(session: Session, story_id: str) -> bool:
    return session.scalar(select(func.count()).select_from(StoryRow).where(StoryRow.id == story_id)) == 1


def snippets_of(session: Session, story_ids: Sequence[str]) -> dict[str, list[Snippet]]:
    """The snippets of some stories, in position order."""
    found: dict[str, list[Snippet]] = {story_id: [] for story_id in story_ids}
    for chunk in chunks(story_ids):
        for r in session.execute(select(SnippetRow.story_id, SnippetRow.lang, SnippetRow.kind, SnippetRow.text,
                                        SnippetRow.attribution, SnippetRow.url, SnippetRow.date)
                                 .where(SnippetRow.story_id.in_(chunk))
                                 .order_by(SnippetRow.story_id, SnippetRow.position)):
            found[r.story_id].append(Snippet(lang=r.lang, kind=r.kind, text=r.text, attribution=r.attribution,
                                             url=r.url, date=r.date))
    return found
