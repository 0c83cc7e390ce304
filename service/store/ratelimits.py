"""Rate-limit counters in the store, so every web process (and every machine) counts the same hits.

``StoreCounters`` is a storage for the ``limits`` library (the one under Flask-Limiter): its
fixed-window strategy calls ``incr`` once per request. Each ``incr`` is one statement, an
insert-or-update that starts a new window when the old one has expired and returns the count,
so two processes hitting the same key at once both see the sum. The default storage: counting
in each process's memory let two gunicorn processes admit twice the limit.
"""
from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import Float, Integer, String, case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base
from .session import Store


class RateLimitRow(Base):
    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(250), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float)    # epoch seconds: the end of the current window


class StoreCounters(Storage):
    """The ``limits`` storage interface over the store (SQLite or PostgreSQL)."""

    STORAGE_SCHEME = None       # built with a Store, never from a URI

    def __init__(self, store: Store):
        super().__init__()
        self.store = store

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self.store.transaction() as session:
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            values = insert(RateLimitRow).values(key=key, count=amount, expires_at=now + expiry)
            expired = RateLimitRow.expires_at <= now
            statement = values.on_conflict_do_update(index_elements=["key"], set_={
                "count": case((expired, values.excluded.count), else_=RateLimitRow.count + values.excluded.count),
                "expires_at": case((expired, values.excluded.expires_at), else_=RateLimitRow.expires_at),
            }).returning(RateLimitRow.count)
            count: int = session.execute(statement).scalar_one()
            if count == amount:          # a new window: now and then, drop windows long over
                session.execute(delete(RateLimitRow).where(RateLimitRow.expires_at < now - 3600))
            return count

    def _row(self, key: str) -> tuple[int, float] | None:
        with self.store.reading() as session:
            row = session.execute(select(RateLimitRow.count, RateLimitRow.expires_at)
                                  .where(RateLimitRow.key == key)).first()
        if row is None or row[1] <= time.time():
            return None
        return int(row[0]), float(row[1])

    def get(self, key: str) -> int:
        row = self._row(key)
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row[1] if row else time.time()

    def check(self) -> bool:
        try:
            with self.store.reading() as session:
                session.execute(select(1))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.store.transaction() as session:
            session.execute(delete(RateLimitRow))
        return None

    def clear(self, key: str) -> None:
        with self.store.transaction() as session:
            session.execute(delete(RateLimitRow).where(RateLimitRow.key == key))
