"""Reads that turn rows into domain objects; the only place that knows both shapes."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain import Field, Snippet, Story
from .models import FieldRow, SnippetRow, StoryRow


def snippet_from_row(row: SnippetRow) -> Snippet:
    return Snippet(lang=row.lang, kind=row.kind, text=row.text, attribution=row.attribution,
                   url=row.url, date=row.date)


def field_from_row(row: FieldRow) -> Field:
    return Field(story_id=row.story_id, role=row.role, position=row.position, source_index=row.source_index,
                 source_lang=row.source_lang, source_text=row.source_text, attribution=row.attribution)


def story_from_row(row: StoryRow) -> Story:
    return Story(id=row.id, published=row.published, title=row.title,
                 snippets=tuple(snippet_from_row(s) for s in row.snippets),
                 fields=tuple(field_from_row(f) for f in row.fields))


def load_story(session: Session, story_id: str) -> Story | None:
    row = session.scalars(select(StoryRow).where(StoryRow.id == story_id)
                          .options(selectinload(StoryRow.snippets), selectinload(StoryRow.fields))).first()
    return story_from_row(row) if row else None


def list_stories(session: Session) -> list[Story]:
    """All stories, newest first (ties by id so the order is stable)."""
    rows = session.scalars(select(StoryRow).order_by(StoryRow.published.desc(), StoryRow.id)
                           .options(selectinload(StoryRow.snippets), selectinload(StoryRow.fields))).all()
    return [story_from_row(row) for row in rows]


def story_ids(session: Session) -> list[str]:
    return list(session.scalars(select(StoryRow.id).order_by(StoryRow.id)))


def iter_fields(session: Session, story_ids: Iterable[str] | None = None) -> list[Field]:
    """Every summary field, optionally of some stories only, in story and position order."""
    query = select(FieldRow).order_by(FieldRow.story_id, FieldRow.position)
    if story_ids is not None:
        query = query.where(FieldRow.story_id.in_(list(story_ids)))
    return [field_from_row(row) for row in session.scalars(query)]
