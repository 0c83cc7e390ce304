"""Content versions: bumped in the same transaction as each change, read once per request.

A story's ``version``/``updated_at`` move when anything a reader sees of it changes; the
``site_state`` row's ``generation`` moves with every change and ``engines_generation`` when
the current engines change. Cached documents are valid exactly while these are unchanged, in
every process on every machine, because they live in the store next to the content.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import update
from sqlalchemy.orm import Session

from .chunking import chunks
from .models import SiteStateRow, StoryRow


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def bump_site(session: Session, engines: bool = False) -> None:
    values = {"generation": SiteStateRow.generation + 1, "changed_at": now()}
    if engines:
        values["engines_generation"] = SiteStateRow.engines_generation + 1
        values["engines_changed_at"] = values["changed_at"]
    session.execute(update(SiteStateRow).where(SiteStateRow.id == 1).values(values))


def bump_ui(session: Session) -> None:
    """The UI catalogs were compiled: every serving process reloads them before its next page."""
    session.execute(update(SiteStateRow).where(SiteStateRow.id == 1).values(
        ui_generation=SiteStateRow.ui_generation + 1, generation=SiteStateRow.generation + 1, changed_at=now()))


def bump_story_versions(session: Session, story_ids: Iterable[str]) -> None:
    """Move the version of each of these stories (their documents changed). Only the counting:
    ``changes.bump_stories`` also rewrites their search documents and moves the site."""
    for chunk in chunks(sorted(set(story_ids))):
        session.execute(update(StoryRow).where(StoryRow.id.in_(chunk))
                        .values(version=StoryRow.version + 1, updated_at=now()))


@dataclass(frozen=True)
class SiteVersion:
    generation: int
    engines_generation: int
    engines_changed_at: dt.datetime
    changed_at: dt.datetime
    ui_generation: int


@dataclass(frozen=True)
class StoryVersion:
    version: int
    updated_at: dt.datetime
    engines_generation: int
    engines_changed_at: dt.datetime
    ui_generation: int

    @property
    def last_modified(self) -> dt.datetime:
        return max(self.updated_at, self.engines_changed_at)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Every stored time is UTC: SQLite hands them back naive, PostgreSQL in its session's zone."""
    return moment.astimezone(dt.timezone.utc) if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
