"""Machine translations of whole texts: which are stored, and storing new ones once.

Racing fills (two workers, a worker and ``kakehashi translate``) may translate the same text;
the insert ignores what another process stored meanwhile, and moves the versions of the
stories that show those texts in the same transaction.
"""
from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .chunking import chunks
from .models import MachineTranslationRow
from .session import Store
from .versions import bump_stories_with_texts


def stored_machine_hashes(store: Store, lang: str, engine: str, hashes: list[str]) -> set[str]:
    """Which of ``hashes`` already have a machine translation into ``lang`` by ``engine``."""
    found: set[str] = set()
    with store.reading() as session:
        for chunk in chunks(hashes):
            found.update(session.scalars(
                select(MachineTranslationRow.source_hash)
                .where(MachineTranslationRow.target_lang == lang, MachineTranslationRow.engine == engine,
                       MachineTranslationRow.source_hash.in_(chunk))))
    return found


def insert_machine_translations(store: Store, rows: list[dict[str, str]]) -> None:
    """Insert in one transaction, ignoring rows another process stored meanwhile."""
    if not rows:
        return
    with store.transaction() as session:
        dialect = session.get_bind().dialect.name
        if dialect in ("sqlite", "postgresql"):
            dialect_insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
            for chunk in chunks(rows):
                session.execute(dialect_insert(MachineTranslationRow).on_conflict_do_nothing(), chunk)
            bump_stories_with_texts(session, [row["source_hash"] for row in rows])
            return
        by_key = {(r["source_hash"], r["engine"]): r for r in rows}
        existing: set[tuple[str, str]] = set()
        for part in chunks({r["source_hash"] for r in rows}):
            existing.update((row[0], row[1]) for row in session.execute(
                select(MachineTranslationRow.source_hash, MachineTranslationRow.engine)
                .where(MachineTranslationRow.target_lang == rows[0]["target_lang"],
                       MachineTranslationRow.source_hash.in_(part))))
        fresh = [row for key, row in by_key.items() if key not in existing]
        if fresh:
            session.execute(insert(MachineTranslationRow), fresh)
            bump_stories_with_texts(session, [row["source_hash"] for row in fresh])
