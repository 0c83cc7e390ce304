"""The Huey instance of one process, built from settings; nothing is created at import time.

SQLite (a file in the instance folder, no server to run) is the default; ``KAKEHASHI_QUEUE_URL=
redis://…`` selects Redis, which workers on other machines can reach. Both hand out jobs in
priority order (``tasks``: ``/translate``, then writes, then backlog). Story jobs write their
output to the store and return nothing, so they store no result; only a ``/translate`` request's
job returns one, which the waiting web process reads (and removes) at once.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from ..core.config import Settings
from .hueylib import Huey, PriorityRedisHuey, SqliteHuey

QUEUE_NAME = "kakehashi"
# Redis: a sorted set (Huey's priority queue, Redis 5+), under its own key: the plain list an
# older release left under ``huey.redis.kakehashi`` is of another type (the sweeps recover it)
REDIS_QUEUE_NAME = "kakehashi_by_priority"


class QueueError(RuntimeError):
    """The queue cannot be built with these settings."""


def queue_file(settings: Settings) -> Path:
    return Path(settings.instance_dir) / "queue.sqlite3"


def build_queue(settings: Settings) -> Huey:
    if settings.queue_url:
        # imported here: a deployment on the SQLite queue need not install the redis extra
        try:
            from redis import ConnectionPool
        except ImportError:
            raise QueueError("KAKEHASHI_QUEUE_URL is a Redis URL but the redis client is not installed; "
                             "install it with: pip install 'kakehashi[redis]'") from None
        # health_check_interval: a connection dropped by a Redis restart is noticed and reopened
        pool = ConnectionPool.from_url(settings.queue_url, health_check_interval=10, socket_connect_timeout=5,
                                       socket_timeout=30, retry_on_timeout=True)
        return PriorityRedisHuey(REDIS_QUEUE_NAME, connection_pool=pool, results=True, utc=True)
    path = queue_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(path), results=True, utc=True, timeout=10)


def describe_backend(settings: Settings) -> str:
    """For logs and ``/healthz``: the backend, never a password."""
    if settings.queue_url:
        parts = urlsplit(settings.queue_url)
        return f"redis://{parts.hostname}:{parts.port or 6379}{parts.path}"
    return "sqlite (instance folder)"
