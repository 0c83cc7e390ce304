"""The one cheap query per request: content versions read on a bare DB-API connection.

Every reader request asks the store whether its cached document is still current. Through an
ORM session that costs about a millisecond of Python; here it is a pooled DB-API connection
and a prepared SQL string, a few tens of microseconds, so a cached read costs about what a
static response costs. Read-only, autocommit: each statement sees the latest committed data.
"""
from __future__ import annotations

import datetime as dt
import functools
import threading
from typing import Any, Callable, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPICursor

from .versions import SiteVersion, StoryVersion, as_utc


def _moment(value: Any) -> dt.datetime:
    """SQLite hands back text, PostgreSQL datetimes; every stored time is UTC."""
    if isinstance(value, str):
        return _parsed(value)
    return as_utc(value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value)))


@functools.lru_cache(maxsize=4096)
def _parsed(text: str) -> dt.datetime:
    """SQLite's text times, parsed once each: the same few come back request after request
    (the engines' time on every probe, a popular story's), and parsing was a tenth of a probe."""
    return as_utc(dt.datetime.fromisoformat(text))


T = TypeVar("T")
MAX_IDLE = 16          # probe connections kept open per process


class Probes:
    def __init__(self, engine: Engine):
        self.engine = engine
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._site = ("SELECT generation, engines_generation, engines_changed_at, changed_at, ui_generation "
                      "FROM site_state WHERE id = 1")
        self._story = ("SELECT s.version, s.updated_at, g.engines_generation, g.engines_changed_at, g.ui_generation "
                       f"FROM stories s JOIN site_state g ON g.id = 1 WHERE s.id = {mark}")
        order = "ORDER BY published DESC, id DESC LIMIT " + mark
        self._first = f"SELECT id, version FROM stories {order}"
        self._after = f"SELECT id, version FROM stories WHERE (published, id) < ({mark}, {mark}) {order}"

    def _connect(self) -> Any:
        """A new probe connection: the engine's own (its connect-time set-up runs), detached from
        its pool, so using one costs no checkout, reset or events."""
        proxy = self.engine.raw_connection()
        proxy.detach()
        connection: Any = proxy.dbapi_connection   # a DB-API connection (sqlite3 or psycopg)
        if hasattr(connection, "autocommit"):
            connection.autocommit = True          # psycopg: no transaction left open between probes
        return connection

    def _query(self, work: Callable[[Any], T]) -> T:
        """Run ``work(cursor)`` on an idle probe connection (the last used first, so few stay
        warm). A connection that fails (a restarted PostgreSQL) is dropped and the work is tried
        once more on a new one; a second failure is the caller's."""
        with self._lock:
            connection = self._idle.pop() if self._idle else None
        for attempt in range(2):
            connection = connection or self._connect()
            try:
                cursor = connection.cursor()
                try:
                    result = work(cursor)
                finally:
                    cursor.close()
            except self.engine.dialect.loaded_dbapi.Error:
                connection.close()
                connection = None
                if attempt:
                    raise
                continue
            with self._lock:
                if len(self._idle) < MAX_IDLE:
                    self._idle.append(connection)
                    return result
            connection.close()
            return result
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def site(self) -> SiteVersion:
        return self._query(self._site_row)

    def _site_row(self, cursor: DBAPICursor) -> SiteVersion:
        cursor.execute(self._site)
        row = cursor.fetchone()
        assert row is not None, "site_state has its one row from the first migration"
        generation, engines, engines_at, changed_at, ui = row
        return SiteVersion(generation, engines, _moment(engines_at), _moment(changed_at), ui)

    def story(self, story_id: str) -> StoryVersion | None:
        def work(cursor: DBAPICursor) -> Any:
            cursor.execute(self._story, (story_id,))
            return cursor.fetchone()

        row = self._query(work)
        if row is None:
            return None
        version, updated_at, engines, engines_at, ui = row
        return StoryVersion(version, _moment(updated_at), engines, _moment(engines_at), ui)

    def page(self, limit: int, after: tuple[dt.date, str] | None) -> tuple[tuple[tuple[str, int], ...], SiteVersion]:
        """The (id, version) of a page's stories (newest first, after the cursor) and the site."""
        def work(cursor: DBAPICursor) -> tuple[tuple[tuple[str, int], ...], SiteVersion]:
            if after is None:
                cursor.execute(self._first, (limit,))
            else:
                cursor.execute(self._after, (after[0].isoformat(), after[1], limit))
            stamps = tuple((story_id, version) for story_id, version in cursor.fetchall())
            return stamps, self._site_row(cursor)

        return self._query(work)
