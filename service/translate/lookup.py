"""Stored machine translations for the resolver: the current engine's text, one query per call.

A translation is current when its engine label is the one this process would use for the
pair now: installing a new model version makes older rows stop being served (they stay
stored, so removing the new model brings them back). When no model for the pair is installed
at all, the newest stored translation is served: removing models must not blank the site.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select

from ..domain import source_hash
from ..store.models import MachineTranslationRow
from ..store.chunking import chunks


class StoredMachineTranslations:
    def __init__(self, store, translators):
        self.store = store
        self.translators = translators

    def lookup(self, lang: str, items: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        keys = {source_hash(source_lang, text): (source_lang, text) for source_lang, text in items}
        if not keys:
            return {}
        current = self.translators.engines()
        rows = []
        with self.store.reading() as session:
            for chunk in chunks(keys):
                rows += session.execute(
                    select(MachineTranslationRow.source_hash, MachineTranslationRow.engine,
                           MachineTranslationRow.text, MachineTranslationRow.created_at)
                    .where(MachineTranslationRow.target_lang == lang,
                           MachineTranslationRow.source_hash.in_(chunk))).all()
        found: dict[tuple[str, str], tuple[str, str]] = {}
        newest: dict[tuple[str, str], tuple] = {}
        for row in rows:
            key = keys[row.source_hash]
            engine = current.get((key[0], lang))
            if engine is not None:
                if row.engine == engine:
                    found[key] = (row.text, row.engine)
            else:
                rank = (row.created_at is not None, row.created_at, row.engine)
                if key not in newest or rank > newest[key][0]:
                    newest[key] = (rank, (row.text, row.engine))
        for key, (_, value) in newest.items():
            found.setdefault(key, value)
        return found
