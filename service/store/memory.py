"""The sentence memory table and its queries: (sentence, source lang, target lang, engine) -> text.

Keyed by a hash of the source language and sentence (``domain.source_hash``, as machine rows
are; a sentence that used glossary entries hashes them too, ``translate.memory.memory_hash``,
and records them in ``terms``), the target language and the engine label, so a sentence that recurs across stories or
API calls is translated once per engine, and a new model version never overwrites the old one.
Inserts ignore rows another process stored meanwhile, so two racing fills store a sentence once.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from sqlalchemy import DateTime, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .chunking import chunks
from .models import Base, HumanTranslationRow
from .upsert import upsert


class SentenceMemoryRow(Base):
    __tablename__ = "sentence_memory"

    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    target_lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    engine: Mapped[str] = mapped_column(String(200), primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    terms: Mapped[str | None] = mapped_column(Text)     # the glossary entries the sentence used


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
    for chunk in chunks(rows):
        upsert(session, SentenceMemoryRow, chunk, update_columns=())    # insert-or-ignore


def find_sentences_any_engine(session: Session, target_lang: str, hashes: Iterable[str]) -> dict[str, dict[str, str]]:
    """source_hash -> {engine: text}, every engine's remembered translation of those sentences."""
    found: dict[str, dict[str, str]] = {}
    for chunk in chunks(set(hashes)):
        for digest, engine, text in session.execute(
                select(SentenceMemoryRow.source_hash, SentenceMemoryRow.engine, SentenceMemoryRow.text)
                .where(SentenceMemoryRow.target_lang == target_lang, SentenceMemoryRow.source_hash.in_(chunk))):
            found.setdefault(digest, {})[engine] = text
    return found


def find_human_translations(session: Session, lang: str, hashes: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """source_hash -> (a translator's text in ``lang`` for that exact source text, the engine it
    was accepted from or None), from the newest import."""
    found: dict[str, tuple[str, str | None]] = {}
    for chunk in chunks(set(hashes)):
        rows = session.execute(
            select(HumanTranslationRow.source_hash, HumanTranslationRow.text, HumanTranslationRow.reviewed_from)
            .where(HumanTranslationRow.lang == lang, HumanTranslationRow.source_hash.in_(chunk),
                   HumanTranslationRow.text != "")
            .order_by(HumanTranslationRow.imported_at))
        found.update((row[0], (row[1], row[2])) for row in rows)
    return found
