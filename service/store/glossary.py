"""The glossary in force: one row holding the last good glossary, and the last check of the file.

Every process that translates (workers, the CLI, a web process answering ``/translate`` from
the sentence memory) reads the glossary here, never from the file: the worker's watcher
(``translate.glossary_live``) parses the file and stores it. ``fingerprint`` moves with every
change of a term, so a process re-reads ``data`` only when it moved. A refused file leaves
``data`` alone and records a short ``file:line: reason`` in ``error``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from sqlalchemy import JSON, DateTime, Integer, String, Text, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .chunking import chunks
from .models import Base, FieldRow
from .upsert import upsert
from .versions import bump_site, now

ROW_ID = 1


class GlossaryRow(Base):
    __tablename__ = "glossary"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))             # of the terms (``Glossary.fingerprint``)
    data: Mapped[list[Any]] = mapped_column(JSON)                     # ``Glossary.to_data()``
    concepts: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    file_fingerprint: Mapped[str | None] = mapped_column(String(200))   # the file last checked
    error: Mapped[str | None] = mapped_column(Text)                   # why it was refused, or None
    checked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


def glossary_fingerprint(session: Session) -> str | None:
    """One cheap query: the fingerprint of the glossary in force (None: none stored yet)."""
    return session.scalar(select(GlossaryRow.fingerprint).where(GlossaryRow.id == ROW_ID))


def stored_glossary(session: Session) -> tuple[str, list[Any]] | None:
    row = session.get(GlossaryRow, ROW_ID)
    return (row.fingerprint, list(row.data)) if row is not None else None


def glossary_check(session: Session) -> dict[str, Any] | None:
    """The last check of the file and the glossary in force, for ``/healthz`` and the CLI."""
    row = session.get(GlossaryRow, ROW_ID)
    if row is None:
        return None
    return {"concepts": row.concepts, "error": row.error, "file_fingerprint": row.file_fingerprint,
            "changed_at": row.changed_at, "checked_at": row.checked_at}


def save_glossary(session: Session, fingerprint: str, data: list[Any], file_fingerprint: str | None) -> bool:
    """Put a glossary in force (the file was good); True when its terms changed, which moves the
    site generation (``/translate`` answers depend on the glossary)."""
    row = session.get(GlossaryRow, ROW_ID)
    changed = row is None or row.fingerprint != fingerprint
    values = {"id": ROW_ID, "fingerprint": fingerprint, "data": data, "concepts": len(data),
              "file_fingerprint": file_fingerprint, "error": None, "checked_at": now()}
    if changed:
        values["changed_at"] = now()
    elif row is not None:
        values["changed_at"] = row.changed_at
    upsert(session, GlossaryRow, [values])
    if changed:
        bump_site(session)
    return changed


def record_refusal(session: Session, file_fingerprint: str | None, error: str) -> None:
    """The file was refused: note why; the glossary in force stays (an empty one if none yet)."""
    row = session.get(GlossaryRow, ROW_ID)
    if row is None:
        session.add(GlossaryRow(id=ROW_ID, fingerprint="", data=[], concepts=0, changed_at=now(),
                                file_fingerprint=file_fingerprint, error=error, checked_at=now()))
    else:
        row.file_fingerprint, row.error, row.checked_at = file_fingerprint, error, now()


def stories_with_text(session: Session, lang: str, needles: Iterable[str]) -> set[str]:
    """Stories with a field in ``lang`` whose source text contains one of ``needles`` (a superset
    is fine: the fill re-translates only texts whose glossary entries changed)."""
    found: set[str] = set()
    for chunk in chunks(sorted(set(needles)), 50):
        found.update(session.scalars(select(FieldRow.story_id).distinct().where(
            FieldRow.source_lang == lang,
            or_(*(FieldRow.source_text.contains(needle, autoescape=True) for needle in chunk)))))
    return found
