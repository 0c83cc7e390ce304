"""The one cheap query per request: content versions read on a bare DB-API connection.

Every reader request asks the store whether its cached document is still current. Through an
ORM session that costs about a millisecond of Python; here it is a pooled DB-API connection
and a prepared SQL string, a few tens of microseconds, so a cached read costs about what a
static response costs. Read-only, autocommit: each statement sees the latest committed data.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPICursor

from .versions import SiteVersion, StoryVersion


def _moment(value: Any) -> dt.datetime:
    """SQLite hands back text, PostgreSQL datetimes; every stored time is UTC."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class Probes:
    def __init__(self, engine: Engine):
        self.engine = engine
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._site = ("SELECT generation, engines_generation, engines_changed_at, changed_at, ui_generation "
                      "FROM site_state WHERE id = 1")
        self._story = ("SELECT s.version, s.updated_at, g.engines_generation, g.engines_changed_at, g.ui_generation "
                       f"FROM stories s JOIN site_state g ON g.id = 1 WHERE s.id = {mark}")
        order = "ORDER BY published DESC, id DESC LIMIT " + mark
        self._first = f"SELECT id, version FROM stories {order}"
        self._after = f"SELECT id, version FROM stories WHERE (published, id) < ({mark}, {mark}) {order}"

    @contextmanager
    def _cursor(self) -> Iterator[DBAPICursor]:
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
            connection.commit()          # ends PostgreSQL's implicit transaction; SQLite: nothing open
        finally:
            connection.close()           # back to the pool

    def site(self) -> SiteVersion:
        with self._cursor() as cursor:
            return self._site_row(cursor)

    def _site_row(self, cursor: DBAPICursor) -> SiteVersion:
        cursor.execute(self._site)
        row = cursor.fetchone()
        assert row is not None, "site_state has its one row from the first migration"
        generation, engines, engines_at, changed_at, ui = row
        return SiteVersion(generation, engines, _moment(engines_at), _moment(changed_at), ui)

    def story(self, story_id: str) -> StoryVersion | None:
        with self._cursor() as cursor:
            cursor.execute(self._story, (story_id,))
            row = cursor.fetchone()
        if row is None:
            return None
        version, updated_at, engines, engines_at, ui = row
        return StoryVersion(version, _moment(updated_at), engines, _moment(engines_at), ui)

    def page(self, limit: int, after: tuple[dt.date, str] | None) -> tuple[tuple[Any, ...], SiteVersion]:
        """The (id, version) of a page's stories (newest first, after the cursor) and the site."""
        with self._cursor() as cursor:
            if after is None:
                cursor.execute(self._first, (limit,))
            else:
                cursor.execute(self._after, (after[0].isoformat(), after[1], limit))
            stamps = tuple((story_id, version) for story_id, version in cursor.fetchall())
            return stamps, self._site_row(cursor)
