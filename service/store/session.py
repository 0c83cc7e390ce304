"""Engine and transactions: one ``Store`` per process, one transaction per unit of work.

SQLite is tuned for a web server with several worker processes (WAL, a busy timeout, foreign
keys on); the same code runs on PostgreSQL when ``KAKEHASHI_DATABASE_URL`` points there.

Read-your-writes rests on two rules, the same on both stores:

- **One writer at a time, from a transaction's first line.** ``transaction()`` takes the store's
  write lock before it yields (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped
  advisory lock, ``WRITE_LOCK``). Whatever a write reads inside its transaction (the story it
  replaces, the rows an import compares, the stories a translation bumps, the models folder it
  publishes) is therefore read after every earlier write committed and before any later one:
  no write is built on a stale read, and no write undoes one acknowledged before it.
- **A read sees one snapshot, never an old one.** ``reading()`` is one short transaction: a
  deferred ``BEGIN`` on SQLite (its WAL snapshot starts at the first select), ``REPEATABLE READ
  READ ONLY`` on PostgreSQL (so a document's several selects agree). The snapshot ends when
  the block does and the connection goes back to the pool rolled back: a pooled connection
  never keeps one open. Version probes (``probes``) run in autocommit, each its own snapshot.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker

from .probes import Probes


class Store:
    def __init__(self, engine: Engine, write_engine: Engine | None = None):
        self.engine = engine
        self.write_engine = write_engine or engine
        self._readers = sessionmaker(engine, expire_on_commit=False)
        self._writers = sessionmaker(self.write_engine, expire_on_commit=False)
        self.probes = Probes(engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed together or not at all, holding the store's write
        lock from its first line to its commit (see the module's docstring)."""
        with self._writers.begin() as session:
            session.connection()          # begin now: BEGIN IMMEDIATE / the advisory lock
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._readers() as session:
            yield session

    def dispose(self) -> None:
        self.probes.dispose()
        self.engine.dispose()
        self.write_engine.dispose()

    def is_reachable(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - health checks report, never raise
            return False

    def is_initialized(self) -> bool:
        try:
            return inspect(self.engine).has_table("site_state")      # the newest table of 0002
        except Exception:  # noqa: BLE001 - health checks report, never raise
            return False


def _tune_sqlite(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_engine(database_url: str, begin: str) -> Engine:
    """pysqlite's own BEGIN is replaced by ours: ``BEGIN IMMEDIATE`` for writers.

    A deferred transaction that reads and then writes fails at once ("database is locked")
    when another process committed in between; an immediate one waits its turn instead.
    """
    engine = create_engine(database_url, connect_args={"timeout": 10, "isolation_level": None})
    event.listen(engine, "connect", _tune_sqlite)
    event.listen(engine, "begin", lambda connection: connection.exec_driver_sql(begin))
    return engine


# PostgreSQL: the one lock every write transaction takes first (any fixed 64-bit number; "kkhs").
WRITE_LOCK = 0x6B6B6873


def _postgres_engines(database_url: str) -> tuple[Engine, Engine]:
    """Readers in REPEATABLE READ, read only; writers in READ COMMITTED behind ``WRITE_LOCK``, so
    each statement of a write sees every write committed before it took the lock."""
    readers = create_engine(database_url, pool_pre_ping=True, isolation_level="REPEATABLE READ",
                            execution_options={"postgresql_readonly": True})
    writers = create_engine(database_url, pool_pre_ping=True)
    event.listen(writers, "begin",
                 lambda connection: connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})"))
    return readers, writers


def make_store(database_url: str) -> Store:
    if database_url.startswith("postgresql"):
        return Store(*_postgres_engines(database_url))
    if not database_url.startswith("sqlite"):
        return Store(create_engine(database_url, pool_pre_ping=True))
    path = database_url.removeprefix("sqlite:///")
    if path and path != ":memory:" and database_url.startswith("sqlite:///"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    return Store(_sqlite_engine(database_url, "BEGIN"), _sqlite_engine(database_url, "BEGIN IMMEDIATE"))
