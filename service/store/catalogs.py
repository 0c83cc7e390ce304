"""Queries of the translators' side: human translations by catalog key, and each catalog file's
recorded state (last fingerprint checked, ok or the first problem).

Keys are ``(msgctxt, msgid)``. Rows are read as plain tuples so a large import accumulates
nothing in the session.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session

from .chunking import chunks
from .models import CatalogStateRow, HumanTranslationRow
from .upsert import upsert
from .versions import bump_site

Key = tuple[str, str]


def human_texts(session: Session, lang: str) -> dict[tuple[str | None, str], str]:
    """Every stored human translation into ``lang``, by key (a catalog entry's msgctxt may be
    absent, so the key type allows it; a stored row always has one)."""
    rows = session.scalars(select(HumanTranslationRow).where(HumanTranslationRow.lang == lang))
    return {(r.context, r.source_text): r.text for r in rows}


def count_humans(session: Session, lang: str) -> int:
    return session.scalar(select(func.count()).select_from(HumanTranslationRow)
                          .where(HumanTranslationRow.lang == lang)) or 0


def humans_by_key(session: Session, lang: str, keys: Iterable[Key]) -> dict[Key, tuple[str, str]]:
    """(text, source_hash) of the stored rows with these keys."""
    wanted = set(keys)
    found: dict[Key, tuple[str, str]] = {}
    for part in chunks(sorted({context for context, _ in wanted})):
        query = (select(HumanTranslationRow.context, HumanTranslationRow.source_text, HumanTranslationRow.text,
                        HumanTranslationRow.source_hash)
                 .where(HumanTranslationRow.lang == lang, HumanTranslationRow.context.in_(part)))
        for context, source, text, digest in session.execute(query):
            if (context, source) in wanted:
                found[(context, source)] = (text, digest)
    return found


def upsert_humans(session: Session, rows: list[dict[str, Any]]) -> None:
    upsert(session, HumanTranslationRow, rows)


def delete_humans(session: Session, lang: str, keys: list[tuple[str, str]]) -> None:
    """Delete the rows with these (msgctxt, source hash)."""
    for part in chunks(keys):
        session.execute(delete(HumanTranslationRow).where(
            HumanTranslationRow.lang == lang,
            tuple_(HumanTranslationRow.context, HumanTranslationRow.source_hash).in_(part)))


def record_state(session: Session, key: str, fingerprint: str | None, ok: bool, error: str | None,
                 details: dict[str, Any] | None) -> None:
    """Upsert the catalog's state row: two workers (or a worker and the CLI) recording the same
    file at once both succeed, the last one wins."""
    upsert(session, CatalogStateRow, [{"path": key, "fingerprint": fingerprint or "", "ok": ok, "error": error,
                                       "details": details, "checked_at": dt.datetime.now(dt.timezone.utc)}])
    bump_site(session)    # coverage shows each catalog's state and fuzzy entries


def catalog_state(session: Session, key: str) -> CatalogStateRow | None:
    return session.get(CatalogStateRow, key)


def forget_failed_state(session: Session, key: str) -> None:
    """Drop a failed state (its file is gone: a file that is not there is not broken)."""
    row = session.get(CatalogStateRow, key)
    if row is not None and not row.ok:
        session.delete(row)


def catalog_states(session: Session, keys: Iterable[str]) -> list[CatalogStateRow]:
    return list(session.scalars(select(CatalogStateRow).where(CatalogStateRow.path.in_(list(keys)))
                                .order_by(CatalogStateRow.path)))
