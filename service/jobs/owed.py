"""Owed work: stories with a field a reader is shown as pending, and which of them no job covers.

The invariant the workers keep: every such story has a job, queued, running (a worker's row in
the store) or with a retry scheduled. ``/healthz`` and ``kakehashi jobs`` report the stories that
break it (``uncovered``), and ``kakehashi jobs retry --owed`` enqueues them. A story whose job
failed for good is uncovered too: it is owed, and nothing will run it until someone acts.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from typing import Callable

from ..core.config import Settings
from ..store import Store
from ..store.backlog import newest_first, stories_missing_translations
from ..store.translations import current_engines
from ..store.workers import running_stories
from .client import JobClient


def recent(settings: Settings) -> dt.timedelta:
    """A worker is "seen recently" if it beat within three heartbeats (at least 30 s)."""
    return dt.timedelta(seconds=max(30.0, 3 * settings.worker_heartbeat_seconds))


@dataclass(frozen=True)
class Owed:
    stories: int                                   # owed a translation, covered or not
    uncovered: list[tuple[str, dt.date]]           # (id, published) no job covers, newest first


def owed_work(settings: Settings, store: Store, jobs: JobClient) -> Owed:
    """What the published models owe, minus the stories a queued, scheduled or running job covers."""
    with store.reading() as session:
        missing = stories_missing_translations(session, current_engines(session))
        running = running_stories(session, recent(settings)) if missing else set()
    queued = jobs.pending_story_ids() if missing else set()
    with store.reading() as session:
        # read after the queue: a job that ended meanwhile has stored its rows (or a retry)
        still = stories_missing_translations(session, current_engines(session), missing - queued - running)
        uncovered = newest_first(session, still)
    return Owed(stories=len(missing), uncovered=uncovered)


def enqueue_owed(settings: Settings, store: Store) -> tuple[list[str], int]:
    """``kakehashi jobs retry --owed``: enqueue every uncovered story as backlog, even with
    ``KAKEHASHI_MT_BACKGROUND`` off (asked for by name); returns (ids enqueued, how many were owed)."""
    jobs = JobClient(settings, enabled=True)
    try:
        owed = owed_work(settings, store, jobs)
        done = jobs.backlog(owed.uncovered) if owed.uncovered else 0
        return [story_id for story_id, _ in owed.uncovered[:done]], len(owed.uncovered)
    finally:
        jobs.close()


class OwedWatch:
    """How long this process has seen uncovered stories without a break: ``/healthz`` turns
    ``degraded`` once that outlasts a sweep period (a worker's sweep should have covered them)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._since: float | None = None

    def observe(self, uncovered: int) -> float:
        """Record a count; returns for how many seconds it has stayed above 0 (0 when it is 0)."""
        with self._lock:
            if uncovered <= 0:
                self._since = None
                return 0.0
            if self._since is None:
                self._since = self._clock()
            return self._clock() - self._since
