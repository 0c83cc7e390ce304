"""Create, replace and delete stories: the one place that writes snippets and their summary.

A write stores the snippets and the freshly computed summary fields in one transaction, so a
reader never sees snippets without their summary (or half a story after an error).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .domain import Snippet, Story
from .errors import AlreadyExists, NotFound
from .store import FieldRow, SnippetRow, Store, StoryRow, reads
from .store.versions import bump_site, bump_stories
from .summarize import summarize


def _exists(story_id: str) -> AlreadyExists:
    return AlreadyExists(f"a story with id {story_id!r} exists already", code="story_exists")


def _missing(story_id: str) -> NotFound:
    return NotFound(f"no story with id {story_id!r}", code="story_not_found")


@dataclass(frozen=True)
class StoryInput:
    id: str
    published: dt.date
    title: str | None
    snippets: Sequence[Snippet]


def _write(session, story: StoryInput, row: StoryRow) -> Story:
    """Stage the story's rows; returns the story as this transaction stores it."""
    row.published = story.published
    row.title = story.title
    row.updated_at = dt.datetime.now(dt.timezone.utc)
    session.execute(delete(SnippetRow).where(SnippetRow.story_id == story.id))
    session.execute(delete(FieldRow).where(FieldRow.story_id == story.id))
    for position, snippet in enumerate(story.snippets):
        session.add(SnippetRow(story_id=story.id, position=position, lang=snippet.lang, kind=snippet.kind,
                               text=snippet.text, attribution=snippet.attribution, url=snippet.url,
                               date=snippet.date))
    fields = summarize(story.id, story.title, story.snippets)
    for field in fields:
        session.add(FieldRow(story_id=story.id, position=field.position, role=field.role,
                             source_index=field.source_index, source_lang=field.source_lang,
                             source_text=field.source_text, source_hash=field.source_hash,
                             attribution=field.attribution))
    return Story(id=story.id, published=story.published, title=story.title, snippets=tuple(story.snippets),
                 fields=tuple(fields))


def create_story(store: Store, story: StoryInput) -> Story:
    """Store a new story; returns what was committed (not a re-read, which a DELETE could race)."""
    exists = _exists(story.id)
    try:
        with store.transaction() as session:
            if session.get(StoryRow, story.id) is not None:
                raise exists
            row = StoryRow(id=story.id)
            session.add(row)
            stored = _write(session, story, row)
            bump_site(session)
    except IntegrityError:  # created by another process between our check and our insert
        raise exists from None
    return stored


def replace_story(store: Store, story: StoryInput) -> Story:
    """Replace a story; returns what was committed, as ``create_story`` does."""
    missing = _missing(story.id)
    try:
        with store.transaction() as session:
            row = session.get(StoryRow, story.id)
            if row is None:
                raise missing
            stored = _write(session, story, row)
            session.flush()
            bump_stories(session, [story.id])
    except (IntegrityError, StaleDataError):  # deleted by another process meanwhile
        raise missing from None
    return stored


def upsert_story(store: Store, story: StoryInput) -> tuple[Story, bool]:
    """Create the story or replace it when its content differs; returns (story, changed)."""
    current = get_story(store, story.id)
    if current is None:
        return create_story(store, story), True
    if (current.published, current.title, tuple(current.snippets)) == (story.published, story.title,
                                                                         tuple(story.snippets)):
        return current, False
    return replace_story(store, story), True


def delete_story(store: Store, story_id: str) -> None:
    with store.transaction() as session:
        if session.scalar(select(StoryRow.id).where(StoryRow.id == story_id)) is None:
            raise _missing(story_id)
        session.execute(delete(StoryRow).where(StoryRow.id == story_id))
        bump_site(session)


def get_story(store: Store, story_id: str) -> Story | None:
    with store.reading() as session:
        return reads.story(session, story_id)
