"""Machine translations of whole texts: which are stored, and storing new ones once.

Racing fills (two workers, a worker and ``kakehashi translate``) may translate the same text;
the insert ignores what another process stored meanwhile, and moves the versions of the
stories that show those texts in the same transaction.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .chunking import chunks
from .models import MachineTranslationRow
from .session import Store
from .upsert import upsert
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


def machine_texts_any_engine(session: Session, lang: str, hashes: Iterable[str]) -> dict[str, dict[str, str]]:
    """source_hash -> {engine: text}: every stored machine translation into ``lang`` of those texts,
    current or not (a translator may accept an older engine's suggestion)."""
    found: dict[str, dict[str, str]] = {}
    for chunk in chunks(set(hashes)):
        for digest, engine, text in session.execute(
                select(MachineTranslationRow.source_hash, MachineTranslationRow.engine, MachineTranslationRow.text)
                .where(MachineTranslationRow.target_lang == lang, MachineTranslationRow.source_hash.in_(chunk))):
            found.setdefault(digest, {})[engine] = text
    return found


def insert_machine_translations(store: Store, rows: list[dict[str, str]]) -> None:
    """Insert in one transaction, ignoring rows another process stored meanwhile."""
    if not rows:
        return
    with store.transaction() as session:
        for chunk in chunks(rows):
            upsert(session, MachineTranslationRow, chunk, update_columns=())    # insert-or-ignore
        bump_stories_with_texts(session, [row["source_hash"] for row in rows])
