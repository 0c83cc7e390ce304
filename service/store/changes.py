"""Changes a reader can see, recorded in their own transaction: the content versions move
(``versions``) and the search documents are rewritten (``search``) together.

The layer above both: ``versions`` only counts and ``search`` only indexes, so neither reaches
for the other; the writers (stories, machine translations, catalog imports, published engines)
call these, so a search after the commit finds what a reader is served.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from .chunking import chunks
from .engines import Pair, replace_engines
from .models import FieldRow
from .search import reindex, stories_with_machine_text
from .versions import bump_site, bump_story_versions


def bump_stories(session: Session, story_ids: Iterable[str]) -> None:
    """Stories whose documents changed (their snippets or a translation of their fields): their
    versions move and their search documents are rewritten in the same transaction."""
    ids = sorted(set(story_ids))
    bump_story_versions(session, ids)
    reindex(session, ids)
    bump_site(session)


def bump_stories_with_texts(session: Session, source_hashes: Iterable[str]) -> None:
    """Stories having a field with one of these texts: a translation of them was stored."""
    hashes = sorted(set(source_hashes))
    story_ids: set[str] = set()
    for chunk in chunks(hashes):
        story_ids.update(session.scalars(select(FieldRow.story_id).where(FieldRow.source_hash.in_(chunk))))
    bump_stories(session, story_ids)


def publish_engines(session: Session, engines: Mapping[Pair, str]) -> bool:
    """Make ``engines`` the installed set; bumps the engines generation when it changed, and
    re-indexes for search the stories whose served machine text that can change."""
    targets = replace_engines(session, engines)
    if targets is None:
        return False
    if targets:
        reindex(session, stories_with_machine_text(session, targets), langs=targets)
    bump_site(session, engines=True)
    return True
