"""Huey, imported once, here, without the PostgreSQL driver its storage module would load.

``huey.storage`` imports psycopg whenever it is installed, for Huey's own PostgreSQL storage,
which Kakehashi never uses (the queue is SQLite or Redis). With the ``postgres`` extra installed
and the store on SQLite, that import alone cost every web worker about 8 MB of RSS. psycopg is
hidden from that one import only: it is still imported, by SQLAlchemy, when the store is on
PostgreSQL, and one imported already is left alone. Redis is not hidden: the ``redis`` extra is
installed to be used, and Huey binds its client class when the module loads.

Every module imports Huey's names from here (ruff's banned-api says so), so the first import of
Huey in a process is this one. It runs while the package is imported, before a process starts
any thread, so no other import can see psycopg hidden for that moment.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

UNUSED_DRIVERS = ("psycopg",)


@contextmanager
def hidden(names: tuple[str, ...]) -> Iterator[None]:
    """Make ``import name`` raise ImportError inside the block, for modules not imported yet."""
    absent = [name for name in names if name not in sys.modules]
    for name in absent:
        sys.modules[name] = None  # type: ignore[assignment]  # None in sys.modules: "cannot import"
    try:
        yield
    finally:
        for name in absent:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


with hidden(UNUSED_DRIVERS):
    from huey import Huey, PriorityRedisHuey, RedisHuey, SqliteHuey, signals
    from huey.api import Task, TaskWrapper
    from huey.exceptions import ResultTimeout, TaskException

__all__ = ["Huey", "PriorityRedisHuey", "RedisHuey", "ResultTimeout", "SqliteHuey", "Task", "TaskException", "TaskWrapper", "signals"]
