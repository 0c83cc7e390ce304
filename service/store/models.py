"""The tables: stories and their snippets, the stored summary fields, and translations.

Machine output is keyed by what was translated (a hash of source language + text), the
target language and the engine, so it is shared across stories and a new model version never
overwrites an older translation. Human translations are keyed the way gettext keys them.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class StoryRow(Base):
    """A story. ``version`` and ``updated_at`` move whenever anything a reader sees of it changes
    (its snippets, or a translation of one of its fields): they validate cached documents."""

    __tablename__ = "stories"
    __table_args__ = (Index("ix_stories_newest", "published", "id"),)

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    published: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    snippets: Mapped[list["SnippetRow"]] = relationship(
        back_populates="story", cascade="all, delete-orphan", order_by="SnippetRow.position")
    fields: Mapped[list["FieldRow"]] = relationship(
        back_populates="story", cascade="all, delete-orphan", order_by="FieldRow.position")


class SnippetRow(Base):
    __tablename__ = "snippets"

    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    lang: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    attribution: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    date: Mapped[dt.date | None] = mapped_column(Date)

    story: Mapped[StoryRow] = relationship(back_populates="snippets")


class FieldRow(Base):
    """One reader-visible text of a story's summary, stored when the snippets change."""

    __tablename__ = "fields"

    story_id: Mapped[str] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    source_index: Mapped[int | None] = mapped_column(Integer)
    source_lang: Mapped[str] = mapped_column(String(8))
    source_text: Mapped[str] = mapped_column(Text)
    source_hash: Mapped[str] = mapped_column(String(64), index=True)
    attribution: Mapped[str | None] = mapped_column(Text)

    story: Mapped[StoryRow] = relationship(back_populates="fields")


class MachineTranslationRow(Base):
    __tablename__ = "machine_translations"

    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    target_lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    engine: Mapped[str] = mapped_column(String(200), primary_key=True)
    source_lang: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # the glossary entries the text used (``translate.glossary.uses_key``); a text whose entries
    # changed since is translated again and this row replaced
    terms: Mapped[str | None] = mapped_column(Text)


class HumanTranslationRow(Base):
    """A translator's msgstr, as last imported from ``content.po`` (``reviewed_from``: see below).

    Keyed by a hash of the source text (``domain.source_hash(source_lang, msgid)``), not the text
    itself: PostgreSQL cannot index long texts, and the hash is what machine rows use too.
    """

    __tablename__ = "human_translations"
    __table_args__ = (Index("ix_human_translations_lang_hash", "lang", "source_hash"),)

    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    context: Mapped[str] = mapped_column(String(200), primary_key=True)
    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    source_text: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # the engine whose output this text is, byte for byte, when a translator (or a tool filling the
    # catalog through our engine) accepted machine text unchanged; None for a translator's own words
    reviewed_from: Mapped[str | None] = mapped_column(String(200))


class CatalogFuzzyRow(Base):
    """An entry a translator's catalog marks ``fuzzy`` (waiting for review), as last imported."""

    __tablename__ = "catalog_fuzzy"

    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    context: Mapped[str] = mapped_column(String(200), primary_key=True)
    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)


class CatalogStateRow(Base):
    """What the last import of one catalog file found, so every worker can report a broken file."""

    __tablename__ = "catalog_state"

    path: Mapped[str] = mapped_column(String(500), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(200))
    ok: Mapped[bool]
    error: Mapped[str | None] = mapped_column(Text)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CatalogFileRow(Base):
    """What ``export`` last wrote for one story in one language (``templates`` for the .pot):
    where, from which story version, engines generation and suggestion setting, and the file's
    fingerprint after writing. An export renders a file again only when one of these moved
    (or ``stale`` was set: a translator translated the same text in another story, which this
    file may now offer as a suggestion), so one changed story costs one story's work."""

    __tablename__ = "catalog_files"

    lang: Mapped[str] = mapped_column(String(16), primary_key=True)
    story_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    path: Mapped[str] = mapped_column(String(500))
    story_version: Mapped[int] = mapped_column(Integer)
    engines_generation: Mapped[int] = mapped_column(Integer)
    suggestions: Mapped[bool]
    fingerprint: Mapped[str] = mapped_column(String(200))
    stale: Mapped[bool] = mapped_column(default=False, server_default="0")
    written_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SiteStateRow(Base):
    """One row: the content generation, bumped in the same transaction as every change.

    ``generation`` moves with any change at all (lists, coverage); ``engines_generation`` when
    the set of current machine-translation engines changes (every machine text may change);
    ``ui_generation`` when the UI catalogs were compiled (every page may change).
    """

    __tablename__ = "site_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    engines_generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    engines_changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    ui_generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class EngineRow(Base):
    """An installed translation package, as published by the machine that installed it.

    Web processes never look at model folders: which machine text is current is read here.
    """

    __tablename__ = "mt_engines"

    source_lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    target_lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    engine: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
