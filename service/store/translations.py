"""Stored human and machine translations, looked up in batches for the resolver.

The ``Session*`` lookups read inside a session the caller already has (a reader document is
built with one session); the ``Stored*`` ones open their own, for the CLI and catalogs.

A machine translation is current when its engine label is the one installed now for its
pair (``routes.current_labels`` over the published engines): a new model version makes older
rows stop being served (they stay stored, so removing the new model brings them back). When
no model for the pair is installed at all, the newest stored translation is served: removing
models must not blank the site.
"""
from __future__ import annotations

from typing import Any, Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.domain import source_hash
from ..core.pivot import current_labels
from .chunking import chunks
from .engines import installed_engines
from .models import HumanTranslationRow, MachineTranslationRow
from .session import Store

Pair = tuple[str, str]
HumanKey = tuple[str, str]          # (msgctxt, source text)
HumanText = str | tuple[str, str]   # a translator's own text, or (text, engine it was accepted from)
MachineKey = tuple[str, str]        # (source lang, source text)


def human_texts(session: Session, lang: str, keys: Iterable[HumanKey]) -> dict[HumanKey, HumanText]:
    """Reviewed text for (msgctxt, source text) keys: a translator's own text, or (text, engine)
    for an engine's text a translator accepted unchanged; one query per 500 contexts."""
    wanted = set(keys)
    found: dict[HumanKey, HumanText] = {}
    for chunk in chunks(sorted({context for context, _ in wanted})):
        for context, source, text, reviewed_from in session.execute(
                select(HumanTranslationRow.context, HumanTranslationRow.source_text, HumanTranslationRow.text,
                       HumanTranslationRow.reviewed_from)
                .where(HumanTranslationRow.lang == lang, HumanTranslationRow.context.in_(chunk))):
            if (context, source) in wanted and text:
                found[(context, source)] = (text, reviewed_from) if reviewed_from else text
    return found


def machine_texts(session: Session, lang: str, items: Iterable[MachineKey],
                  current: Mapping[Pair, str]) -> dict[MachineKey, tuple[str, str]]:
    """Current machine text and engine for (source lang, source text) items in ``lang``."""
    keys = {source_hash(source_lang, text): (source_lang, text) for source_lang, text in items}
    found: dict[MachineKey, tuple[str, str]] = {}
    newest: dict[MachineKey, tuple[Any, ...]] = {}
    for chunk in chunks(sorted(keys)):
        for row in session.execute(
                select(MachineTranslationRow.source_hash, MachineTranslationRow.engine,
                       MachineTranslationRow.text, MachineTranslationRow.created_at)
                .where(MachineTranslationRow.target_lang == lang, MachineTranslationRow.source_hash.in_(chunk))):
            key = keys[row.source_hash]
            engine = current.get((key[0], lang))
            if engine is not None:
                if row.engine == engine:
                    found[key] = (row.text, row.engine)
                continue
            rank = (row.created_at is not None, row.created_at, row.engine)
            if key not in newest or rank > newest[key][0]:
                newest[key] = (rank, (row.text, row.engine))
    for key, (_, value) in newest.items():
        found.setdefault(key, value)
    return found


def current_engines(session: Session) -> dict[Pair, str]:
    """The label that makes machine text current, per translatable pair (pivots included)."""
    return current_labels(installed_engines(session))


class SessionHumanTranslations:
    def __init__(self, session: Session):
        self.session = session

    def lookup(self, lang: str, keys: Iterable[HumanKey]) -> Mapping[HumanKey, HumanText]:
        return human_texts(self.session, lang, keys)


class SessionMachineTranslations:
    def __init__(self, session: Session, current: Mapping[Pair, str]):
        self.session, self.current = session, current

    def lookup(self, lang: str, items: Iterable[MachineKey]) -> Mapping[MachineKey, tuple[str, str]]:
        return machine_texts(self.session, lang, items, self.current)


class StoredHumanTranslations:
    """Human translations, one short session per lookup (CLI, catalogs, tests)."""

    def __init__(self, store: Store):
        self.store = store

    def lookup(self, lang: str, keys: Iterable[HumanKey]) -> Mapping[HumanKey, HumanText]:
        with self.store.reading() as session:
            return human_texts(session, lang, keys)


class StoredMachineTranslations:
    """Current machine translations, one short session per lookup (CLI, catalogs, tests)."""

    def __init__(self, store: Store):
        self.store = store

    def lookup(self, lang: str, items: Iterable[MachineKey]) -> Mapping[MachineKey, tuple[str, str]]:
        with self.store.reading() as session:
            return machine_texts(session, lang, items, current_engines(session))
