"""The published set of installed translation packages: what makes machine text current."""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .models import EngineRow
from .versions import bump_site

Pair = tuple[str, str]


def installed_engines(session: Session) -> dict[Pair, str]:
    """Direct pairs and their engine labels, as last published."""
    return {(row.source_lang, row.target_lang): row.engine for row in session.execute(
        select(EngineRow.source_lang, EngineRow.target_lang, EngineRow.engine))}


def publish_engines(session: Session, engines: Mapping[Pair, str]) -> bool:
    """Make ``engines`` the installed set; bumps the engines generation when it changed."""
    if installed_engines(session) == dict(engines):
        return False
    session.execute(delete(EngineRow))
    session.add_all(EngineRow(source_lang=source, target_lang=target, engine=engine)
                    for (source, target), engine in sorted(engines.items()))
    bump_site(session, engines=True)
    return True
