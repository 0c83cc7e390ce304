"""Create, replace and delete stories: the one place that writes snippets and their summary.

A write stores the snippets and the freshly computed summary fields in one transaction, so a
reader never sees snippets without their summary (or half a story after an error).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from .domain import Snippet, Story
from .errors import AlreadyExists, NotFound
from .store import Store, reads
from .store.stories import insert_story, remove_story, update_story


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


def _summarized(story: StoryInput) -> Story:
    """The story as it will be stored: its snippets and their freshly computed summary fields.

    The summarizer (and numpy with it, about 11 MB) is imported at the first write, not with the
    module: a web worker that only serves reads never loads it.
    """
    from .summarize import summarize

    return Story(id=story.id, published=story.published, title=story.title, snippets=tuple(story.snippets),
                 fields=tuple(summarize(story.id, story.title, story.snippets)))


def create_story(store: Store, story: StoryInput) -> Story:
    """Store a new story; returns what was committed (not a re-read, which a DELETE could race)."""
    stored = _summarized(story)
    if not insert_story(store, stored):
        raise _exists(story.id)
    return stored


def replace_story(store: Store, story: StoryInput) -> Story:
    """Replace a story; returns what was committed, as ``create_story`` does."""
    stored = _summarized(story)
    if not update_story(store, stored):
        raise _missing(story.id)
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
    if not remove_story(store, story_id):
        raise _missing(story_id)


def get_story(store: Store, story_id: str) -> Story | None:
    with store.reading() as session:
        return reads.story(session, story_id)


def story_exists(store: Store, story_id: str) -> bool:
    with store.reading() as session:
        return reads.story_exists(session, story_id)
