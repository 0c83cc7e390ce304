"""The published set of installed translation packages: what makes machine text current."""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..core.pivot import current_labels
from .models import EngineRow
from .versions import bump_site

Pair = tuple[str, str]


def installed_engines(session: Session) -> dict[Pair, str]:
    """Direct pairs and their engine labels, as last published."""
    return {(row.source_lang, row.target_lang): row.engine for row in session.execute(
        select(EngineRow.source_lang, EngineRow.target_lang, EngineRow.engine))}


def publish_engines(session: Session, engines: Mapping[Pair, str]) -> bool:
    """Make ``engines`` the installed set; bumps the engines generation when it changed, and
    re-indexes for search the stories whose served machine text that can change."""
    from .search import reindex, stories_with_machine_text  # here: search imports this module

    before = installed_engines(session)
    if before == dict(engines):
        return False
    session.execute(delete(EngineRow))
    session.add_all(EngineRow(source_lang=source, target_lang=target, engine=engine)
                    for (source, target), engine in sorted(engines.items()))
    session.flush()
    old, new = current_labels(before), current_labels(dict(engines))
    changed = {pair for pair in set(old) | set(new) if old.get(pair) != new.get(pair)}
    targets = sorted({target for _, target in changed})
    if targets:
        reindex(session, stories_with_machine_text(session, targets), langs=targets)
    bump_site(session, engines=True)
    return True
