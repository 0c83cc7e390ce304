"""The story repository: the rows of one story (snippets and summary fields), written whole.

Each function is one transaction that also moves the versions readers check, and answers
whether the story was there; the use cases (``service.usecases.stories``) turn that into domain errors.
The transaction holds the store's write lock from its first line (``session.Store``), so what a
function reads of the story (is it there, does the caller's precondition hold) is what it
replaces: no other write can land in between.
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Callable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..core.domain import Story
from .changes import bump_stories
from .models import FieldRow, SiteStateRow, SnippetRow, StoryRow
from .search import reindex, unindex
from .session import Store
from .versions import bump_site


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


class Replaced(enum.Enum):
    DONE = "done"
    MISSING = "missing"               # no such story (also: deleted by another process meanwhile)
    PRECONDITION_FAILED = "precondition failed"


def insert_story(store: Store, story: Story) -> bool:
    """Store a new story; False when its id exists (also when another process created it meanwhile).

    Its first version is one past the site's generation, which only grows: a story deleted and
    created again never has a version its earlier self had, so no cached document of that one
    (same id, same version) is served for it."""
    try:
        with store.transaction() as session:
            if session.get(StoryRow, story.id) is not None:
                return False
            generation = session.scalar(select(SiteStateRow.generation).where(SiteStateRow.id == 1)) or 0
            row = StoryRow(id=story.id, version=generation + 1)
            session.add(row)
            _stage(session, story, row)
            session.flush()
            reindex(session, [story.id])
            bump_site(session)
    except IntegrityError:  # created by another process between our check and our insert
        return False
    return True


def update_story(store: Store, story: Story, precondition: Callable[[], bool] | None = None) -> Replaced:
    """Replace a story's rows. ``precondition`` runs once the story is found, under the write
    lock: it may read the story (through any session or probe) and sees it exactly as this
    replacement would leave it before; False leaves everything as it was."""
    try:
        with store.transaction() as session:
            row = session.get(StoryRow, story.id)
            if row is None:
                return Replaced.MISSING
            if precondition is not None and not precondition():
                return Replaced.PRECONDITION_FAILED
            _stage(session, story, row)
            session.flush()
            bump_stories(session, [story.id])
    except (IntegrityError, StaleDataError):  # deleted by another process meanwhile
        return Replaced.MISSING
    return Replaced.DONE


def remove_story(store: Store, story_id: str) -> bool:
    """Delete a story and everything of it; False when there is no such story."""
    with store.transaction() as session:
        if session.scalar(select(StoryRow.id).where(StoryRow.id == story_id)) is None:
            return False
        unindex(session, [story_id])
        session.execute(delete(StoryRow).where(StoryRow.id == story_id))
        bump_site(session)
    return True
