"""The story repository: the rows of one story (snippets and summary fields), written whole.

Each function is one transaction that also moves the versions readers check, and answers
whether the story was there; the use cases (``service.stories``) turn that into domain errors.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..domain import Story
from .models import FieldRow, SnippetRow, StoryRow
from .search import reindex, unindex
from .session import Store
from .versions import bump_site, bump_stories


def _stage(session: Session, story: Story, row: StoryRow) -> None:
    row.published = story.published
    row.title = story.title
    row.updated_at = dt.datetime.now(dt.timezone.utc)
    session.execute(delete(SnippetRow).where(SnippetRow.story_id == story.id))
    session.execute(delete(FieldRow).where(FieldRow.story_id == story.id))
    for position, snippet in enumerate(story.snippets):
        session.add(SnippetRow(story_id=story.id, position=position, lang=snippet.lang, kind=snippet.kind,
                               text=snippet.text, attribution=snippet.attribution, url=snippet.url,
                               date=snippet.date))
    for field in story.fields:
        session.add(FieldRow(story_id=story.id, position=field.position, role=field.role,
                             source_index=field.source_index, source_lang=field.source_lang,
                             source_text=field.source_text, source_hash=field.source_hash,
                             attribution=field.attribution))


def insert_story(store: Store, story: Story) -> bool:
    """Store a new story; False when its id exists (also when another process created it meanwhile)."""
    try:
        with store.transaction() as session:
            if session.get(StoryRow, story.id) is not None:
                return False
            row = StoryRow(id=story.id)
            session.add(row)
            _stage(session, story, row)
            session.flush()
            reindex(session, [story.id])
            bump_site(session)
    except IntegrityError:  # created by another process between our check and our insert
        return False
    return True


def update_story(store: Store, story: Story) -> bool:
    """Replace a story's rows; False when there is no such story (also when deleted meanwhile)."""
    try:
        with store.transaction() as session:
            row = session.get(StoryRow, story.id)
            if row is None:
                return False
            _stage(session, story, row)
            session.flush()
            bump_stories(session, [story.id])
    except (IntegrityError, StaleDataError):  # deleted by another process meanwhile
        return False
    return True


def remove_story(store: Store, story_id: str) -> bool:
    """Delete a story and everything of it; False when there is no such story."""
    with store.transaction() as session:
        if session.scalar(select(StoryRow.id).where(StoryRow.id == story_id)) is None:
            return False
        unindex(session, [story_id])
        session.execute(delete(StoryRow).where(StoryRow.id == story_id))
        bump_site(session)
    return True
