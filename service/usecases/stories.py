"""Create, replace and delete stories: the one place that writes snippets and their summary, and
the one write flow every face uses (``Stories``): commit, then enqueue the story's translation,
then answer with what was committed, localized as a GET localizes it.

A write stores the snippets and the freshly computed summary fields in one transaction, so a
reader never sees snippets without their summary (or half a story after an error). A
replacement can be made conditional (``unless_changed``): the condition is checked under the
store's write lock, in the replacing transaction, so no other write lands between the check and
the write (an editor's ``If-Match``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from ..core.domain import Snippet, Story
from ..core.errors import AlreadyExists, NotFound, PreconditionFailed
from ..store import Store, reads
from ..store.stories import Replaced, insert_story, remove_story, update_story
from .reading import LocalizedStory, Reading


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
    from ..text.summarize import summarize

    return Story(id=story.id, published=story.published, title=story.title, snippets=tuple(story.snippets),
                 fields=tuple(summarize(story.id, story.title, story.snippets)))


def create_story(store: Store, story: StoryInput) -> Story:
    """Store a new story; returns what was committed (not a re-read, which a DELETE could race)."""
    stored = _summarized(story)
    if not insert_story(store, stored):
        raise _exists(story.id)
    return stored


def replace_story(store: Store, story: StoryInput, unless_changed: Callable[[], bool] | None = None) -> Story:
    """Replace a story; returns what was committed, as ``create_story`` does. ``unless_changed``:
    a check of the story as it is now (e.g. "its ETag is still the one the editor saw"), run
    under the write lock; False raises ``PreconditionFailed`` and nothing is written."""
    stored = _summarized(story)
    outcome = update_story(store, stored, unless_changed)
    if outcome is Replaced.MISSING:
        raise _missing(story.id)
    if outcome is Replaced.PRECONDITION_FAILED:
        raise PreconditionFailed(f"story {story.id!r} changed since the version you sent in If-Match; "
                                 "GET it again and apply your change to what it is now", code="story_changed")
    return stored


def _same_content(story: StoryInput, current: Story | None) -> bool:
    return current is not None and (current.published, current.title, tuple(current.snippets)) == (
        story.published, story.title, tuple(story.snippets))


def upsert_story(store: Store, story: StoryInput) -> tuple[Story, bool]:
    """Create the story or replace it when its content differs; returns (story, changed). The
    comparison is made under the write lock of the replacing transaction, never on an earlier read."""
    try:
        return create_story(store, story), True
    except AlreadyExists:
        pass
    try:
        return replace_story(store, story, lambda: not _same_content(story, get_story(store, story.id))), True
    except PreconditionFailed:
        current = get_story(store, story.id)
        return (current if current is not None else _summarized(story)), False


def load_story(store: Store, story: StoryInput) -> bool:
    """Create the story unless one with its id exists (kept as it is, whoever changed it since);
    True when it was created."""
    try:
        create_story(store, story)
    except AlreadyExists:
        return False
    return True


def delete_story(store: Store, story_id: str) -> None:
    if not remove_story(store, story_id):
        raise _missing(story_id)


def get_story(store: Store, story_id: str) -> Story | None:
    with store.reading() as session:
        return reads.story(session, story_id)


def story_exists(store: Store, story_id: str) -> bool:
    with store.reading() as session:
        return reads.story_exists(session, story_id)


Enqueue = Callable[[Sequence[str]], int]
"""Enqueues the translation of stories just written; how many were enqueued (0 when the queue
failed: the sweep recovers them, so a write never fails for it)."""


class Stories:
    """The write flow of the API, the CLI and ``kakehashi init``: commit, then enqueue the
    translation (after the commit, so a worker never reads an older story), then answer with
    what was committed (not a re-read, which a DELETE could race), localized by ``Reading``
    exactly as a GET is: a write's answer and the GET after it agree, ``pending`` included."""

    def __init__(self, store: Store, reading: Reading, enqueue: Enqueue):
        self.store = store
        self.reading = reading
        self.enqueue = enqueue

    def create(self, story: StoryInput, lang: str = "en") -> LocalizedStory:
        return self._answer(create_story(self.store, story), lang)

    def replace(self, story: StoryInput, unless_changed: Callable[[], bool] | None = None,
                lang: str = "en") -> LocalizedStory:
        return self._answer(replace_story(self.store, story, unless_changed), lang)

    def delete(self, story_id: str) -> None:
        delete_story(self.store, story_id)

    def load(self, stories: Iterable[StoryInput]) -> tuple[list[str], int]:
        """Create each story unless one with its id exists (kept as it is, whoever changed it
        since) and enqueue the created ones: (ids created, how many enqueued)."""
        created = [story.id for story in stories if load_story(self.store, story)]
        return created, (self.enqueue(created) if created else 0)

    def _answer(self, stored: Story, lang: str) -> LocalizedStory:
        self.enqueue([stored.id])
        return self.reading.committed(stored, lang)
