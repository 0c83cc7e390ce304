"""The sentence memory table and its queries: (sentence, source lang, target lang, engine) -> text.

Keyed by a hash of the source language and sentence (``domain.source_hash``, as machine rows
are), the target language and the engine label, so a sentence that recurs across stories or
API calls is translated once per engine, and a new model version never overwrites the old one.
Inserts ignore rows another process stored meanwhile, so two racing fills store a sentence once.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from sqlalchemy import DateTime, String, Text, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from .chunking import chunks
from .models import Base


class SentenceMemoryRow(Base):
    __tablename__ = "sentence_memory"

    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    target_lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    engine: Mapped[str] = mapped_column(String(200), primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def find_sentences(session: Session, target_lang: str, engine: str, hashes: Iterable[str]) -> dict[str, str]:
    """source_hash -> stored text, for the hashes that have one."""
    found: dict[str, str] = {}
    for chunk in chunks(set(hashes)):
        found.update((row[0], row[1]) for row in session.execute(
            select(SentenceMemoryRow.source_hash, SentenceMemoryRow.text)
            .where(SentenceMemoryRow.target_lang == target_lang, SentenceMemoryRow.engine == engine,
                   SentenceMemoryRow.source_hash.in_(chunk))))
    return found


def insert_sentences(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert rows (dicts of the columns), skipping any whose key is already stored."""
    if not rows:
        return
    rows = list({(r["source_hash"], r["target_lang"], r["engine"]): r for r in rows}.values())
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        dialect_insert = sqlite_insert if dialect == "sqlite" else postgresql_insert
        for chunk in chunks(rows):
            session.execute(dialect_insert(SentenceMemoryRow).on_conflict_do_nothing(), chunk)
        return
    fresh = []
    for (target_lang, engine), group in _grouped(rows).items():
        existing = find_sentences(session, target_lang, engine, (r["source_hash"] for r in group))
        fresh += [row for row in group if row["source_hash"] not in existing]
    if fresh:
        session.execute(insert(SentenceMemoryRow), fresh)


def _grouped(rows: list[dict[str, Any]]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["target_lang"], row["engine"]), []).append(row)
    return groups


def find_human_translations(session: Session, lang: str, hashes: Iterable[str]) -> dict[str, str]:
    """source_hash -> a translator's text in ``lang`` for that exact source text (the newest import)."""
    from .models import HumanTranslationRow

    found: dict[str, str] = {}
    for chunk in chunks(set(hashes)):
        rows = session.execute(
            select(HumanTranslationRow.source_hash, HumanTranslationRow.text)
            .where(HumanTranslationRow.lang == lang, HumanTranslationRow.source_hash.in_(chunk),
                   HumanTranslationRow.text != "")
            .order_by(HumanTranslationRow.imported_at))
        found.update((row[0], row[1]) for row in rows)
    return found
