"""The published set of installed translation packages: what makes machine text current."""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..core.pivot import current_labels
from .models import EngineRow

Pair = tuple[str, str]


def installed_engines(session: Session) -> dict[Pair, str]:
    """Direct pairs and their engine labels, as last published."""
    return {(row.source_lang, row.target_lang): row.engine for row in session.execute(
        select(EngineRow.source_lang, EngineRow.target_lang, EngineRow.engine))}


def replace_engines(session: Session, engines: Mapping[Pair, str]) -> list[str] | None:
    """Make ``engines`` the installed set. None when it already was (nothing written); else the
    target languages whose current engine changed: their served machine text can move, so the
    caller (``changes.publish_engines``) re-indexes them and bumps the engines generation."""
    before = installed_engines(session)
    if before == dict(engines):
        return None
    session.execute(delete(EngineRow))
    session.add_all(EngineRow(source_lang=source, target_lang=target, engine=engine)
                    for (source, target), engine in sorted(engines.items()))
    session.flush()
    old, new = current_labels(before), current_labels(dict(engines))
    changed = {pair for pair in set(old) | set(new) if old.get(pair) != new.get(pair)}
    return sorted({target for _, target in changed})
