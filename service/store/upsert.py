"""Insert-or-update in one statement, so concurrent writers of the same key cannot collide.

Reading a row and then inserting it when it was missing is a race: another worker (or a CLI
run) can insert the same key in between, and the insert fails with a primary-key
``IntegrityError`` (PostgreSQL's READ COMMITTED allows exactly that). ``upsert`` lets the
database decide instead: ``INSERT ... ON CONFLICT (primary key) DO UPDATE`` on SQLite and
PostgreSQL; on any other backend each row is tried in a savepoint and updated on conflict.

Generic: any mapped class, any columns.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import and_, insert, inspect, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def _dialect_insert(dialect: str) -> Callable[[Any], sqlite.Insert | postgresql.Insert] | None:
    """The dialect's ``insert`` with ``ON CONFLICT``, or None for a backend without one."""
    if dialect == "sqlite":
        return sqlite.insert
    if dialect == "postgresql":
        return postgresql.insert
    return None


def upsert(session: Session, model: type[Any], rows: Iterable[Mapping[str, Any]],
           update_columns: Iterable[str] | None = None) -> None:
    """Insert ``rows`` (dicts of column values) into ``model``'s table; a row whose primary key
    exists already updates that row's ``update_columns`` (default: every column given that is
    not part of the primary key). Runs in the session's transaction, flushing it first."""
    rows = [dict(row) for row in rows]
    if not rows:
        return
    mapper = inspect(model)
    keys = [column.key for column in mapper.primary_key]
    columns = list(update_columns) if update_columns is not None else [
        name for name in rows[0] if name not in keys]
    session.flush()
    dialect_insert = _dialect_insert(session.get_bind().dialect.name)
    if dialect_insert is not None:
        statement = dialect_insert(model)
        if columns:
            statement = statement.on_conflict_do_update(
                index_elements=keys, set_={name: statement.excluded[name] for name in columns})
        else:
            statement = statement.on_conflict_do_nothing(index_elements=keys)
        session.execute(statement, rows)
        return
    for row in rows:                      # portable fallback: one savepoint per row
        try:
            with session.begin_nested():
                session.execute(insert(model), [row])
        except IntegrityError:
            if columns:
                where = and_(*(getattr(model, key) == row[key] for key in keys))
                session.execute(update(model).where(where).values({name: row[name] for name in columns}))
