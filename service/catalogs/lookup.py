"""Human translations as the resolver reads them: from the store, where imports put them.

Serving from the store (not from the ``.po`` files) means every worker process, and a
PostgreSQL deployment with several hosts, serves the same reviewed text; a broken file on disk
never reaches a reader.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from sqlalchemy import select

from ..store import HumanTranslationRow, Store
from ..store.chunking import chunks



class StoredHumanTranslations:
    def __init__(self, store: Store):
        self.store = store

    def lookup(self, lang: str, keys: Iterable[tuple[str, str]]) -> Mapping[tuple[str, str], str]:
        """Reviewed text for (msgctxt, source text) keys; one query per 500 stories."""
        wanted = set(keys)
        if not wanted:
            return {}
        contexts = sorted({context for context, _ in wanted})
        rows = []
        with self.store.reading() as session:
            for chunk in chunks(contexts):
                query = (select(HumanTranslationRow.context, HumanTranslationRow.source_text,
                                HumanTranslationRow.text)
                         .where(HumanTranslationRow.lang == lang, HumanTranslationRow.context.in_(chunk)))
                rows += session.execute(query).all()
        return {(context, source): text for context, source, text in rows
                if (context, source) in wanted and text}
