"""What machine translation still owes: stories with a field that has no row for its current engine.

The sweep asks this to re-enqueue what a crash between commit and enqueue (or a queue that lost
its data) left behind, and ``/healthz`` to count what no job covers; one query per installed
pair, whatever the number of stories. Backlog runs newest published first (``newest_first``).
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from .models import FieldRow, MachineTranslationRow, StoryRow

Pair = tuple[str, str]


def stories_missing_translations(session: Session, engines: Mapping[Pair, str],
                                 story_ids: Iterable[str] | None = None) -> set[str]:
    """Ids of stories with a non-empty field in a pair's source language that has no machine
    translation by that pair's engine."""
    wanted = list(story_ids) if story_ids is not None else None
    found: set[str] = set()
    for (source, target), engine in sorted(engines.items()):
        if source == target:
            continue
        stored = exists().where(and_(MachineTranslationRow.source_hash == FieldRow.source_hash,
                                     MachineTranslationRow.target_lang == target,
                                     MachineTranslationRow.engine == engine))
        query = (select(FieldRow.story_id).distinct()
                 .where(FieldRow.source_lang == source, func.length(func.trim(FieldRow.source_text)) > 0, ~stored))
        if wanted is not None:
            query = query.where(FieldRow.story_id.in_(wanted))
        found.update(session.scalars(query))
    return found


def newest_first(session: Session, story_ids: Iterable[str]) -> list[tuple[str, dt.date]]:
    """``(id, published)`` of the stories that exist among ``story_ids``, newest published first:
    the order in which the backlog is translated (readers look at new stories first)."""
    wanted, found = sorted(set(story_ids)), list[tuple[str, dt.date]]()
    for start in range(0, len(wanted), 500):         # bounded IN lists, whatever the backlog
        found += [(story_id, published) for story_id, published in session.execute(
            select(StoryRow.id, StoryRow.published).where(StoryRow.id.in_(wanted[start:start + 500])))]
    return [(story_id, published) for story_id, published in
            sorted(found, key=lambda row: (row[1], row[0]), reverse=True)]
