"""What machine translation still owes: stories with a field that has no row for its current engine.

The sweep asks this to re-enqueue what a crash between commit and enqueue (or a queue that lost
its data) left behind; one query per installed pair, whatever the number of stories.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from .models import FieldRow, MachineTranslationRow

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
