"""Machine translations of whole texts: which are stored, and storing new ones once.

Racing fills (two workers, a worker and ``kakehashi translate``) may translate the same text;
the insert ignores what another process stored meanwhile (but a translation made with other
glossary entries is replaced), and moves the versions of the
stories that show those texts in the same transaction.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .changes import bump_stories_with_texts
from .chunking import chunks
from .models import MachineTranslationRow
from .session import Store
from .upsert import upsert


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


def stored_machine_terms(store: Store, lang: str, engine: str, hashes: list[str]) -> dict[str, str]:
    """Which of ``hashes`` have a machine translation into ``lang`` by ``engine``, with the
    glossary entries it used ("" for none)."""
    found: dict[str, str] = {}
    with store.reading() as session:
        for chunk in chunks(hashes):
            found.update((row[0], row[1] or "") for row in session.execute(
                select(MachineTranslationRow.source_hash, MachineTranslationRow.terms)
                .where(MachineTranslationRow.target_lang == lang, MachineTranslationRow.engine == engine,
                       MachineTranslationRow.source_hash.in_(chunk))))
    return found


def insert_machine_translations(store: Store, rows: list[dict[str, str]]) -> None:
    """Insert in one transaction, ignoring rows another process stored meanwhile; a row that
    says which glossary entries it used (``terms``) replaces one made with other entries."""
    if not rows:
        return
    with store.transaction() as session:
        for chunk in chunks(rows):
            with_terms = [row for row in chunk if "terms" in row]
            plain = [row for row in chunk if "terms" not in row]
            upsert(session, MachineTranslationRow, plain, update_columns=())    # insert-or-ignore
            upsert(session, MachineTranslationRow, with_terms, update_columns=("text", "terms"))
        bump_stories_with_texts(session, [row["source_hash"] for row in rows])
