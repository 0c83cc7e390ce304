"""Enqueue after commit, never wait: how writers (API, CLI) hand translation to the workers.

An enqueue that fails (Redis down, a locked queue file) is logged and the write still succeeds:
its transaction has committed, and the workers' sweep finds the untranslated fields later.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from ..core.config import Settings
from ..core.errors import TranslationError
from .hueylib import Huey, ResultTimeout, Task, TaskException
from .queue import build_queue
from .tasks import SWEEP, TRANSLATE, WRITE, Handlers, Tasks, backlog_priority, define_tasks, job_key, stamp

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueuedJob:
    key: str
    task: str
    argument: str | None
    queued_at: float | None        # wall clock seconds; None for jobs from an older release
    id: str
    eta: object = None             # when a scheduled retry runs (UTC datetime), else None


class JobClient:
    """The queue as one process sees it; the Huey instance is built at first use."""

    def __init__(self, settings: Settings, handlers: Handlers | None = None, enabled: bool | None = None):
        """``enabled``: enqueue at all (default ``settings.mt_background``; a worker always does)."""
        self.settings = settings
        self.enabled = settings.mt_background if enabled is None else enabled
        self._handlers = handlers
        self._lock = threading.Lock()
        self._huey: Huey | None = None
        self._tasks: Tasks | None = None

    @property
    def huey(self) -> Huey:
        with self._lock:
            if self._huey is None:
                huey = build_queue(self.settings)
                self._tasks = define_tasks(huey, self.settings, self._handlers)
                self._huey = huey
            return self._huey

    @property
    def tasks(self) -> Tasks:
        _ = self.huey   # building the queue defines the tasks
        assert self._tasks is not None
        return self._tasks

    # -- enqueueing --------------------------------------------------------------------------
    def translate(self, story_ids: Iterable[str]) -> int:
        """Enqueue a translation of each story just written (before any backlog); returns how many
        were enqueued (0 on failure)."""
        return self._enqueue([(story_id, WRITE) for story_id in dict.fromkeys(story_ids)])

    def backlog(self, stories: Iterable[tuple[str, dt.date]]) -> int:
        """Enqueue ``(id, published)`` stories a sweep found, behind every write, newest first."""
        return self._enqueue([(story_id, backlog_priority(published)) for story_id, published in stories])

    def _enqueue(self, jobs: list[tuple[str, float]]) -> int:
        done = 0
        if not self.enabled:
            return 0
        for story_id, priority in jobs:
            try:
                self.tasks.translate_story(story_id, queued_at=stamp(), priority=priority)
                done += 1
            except Exception as error:  # noqa: BLE001 - the write has committed; the sweep recovers
                log.warning("could not enqueue the translation of story %s (%s); a worker's sweep will "
                            "pick it up within %.0f s. Check KAKEHASHI_QUEUE_URL and the queue server",
                            story_id, error, self.settings.queue_sweep_seconds)
                break
        return done

    def engine_call(self, source: str, target: str, sentences: list[str], count: int) -> tuple[list[list[str]], str]:
        """Translate on the worker tier and wait for the answer (``KAKEHASHI_MT_REQUEST_TIMEOUT``):
        the web process only waits, on a greenlet, and never loads a model."""
        result = self.tasks.translate_sentences(source, target, sentences, count)
        try:
            hypotheses, label = result.get(blocking=True, timeout=self.settings.mt_request_timeout,
                                           backoff=1.3, max_delay=0.2, revoke_on_timeout=True)
        except ResultTimeout:
            raise TimeoutError(f"no translation worker answered within {self.settings.mt_request_timeout:.0f} s; "
                               "is `kakehashi worker` running?") from None
        except TaskException as error:
            raise TranslationError(str(error.metadata.get("error") or "the worker failed")[:300]) from None
        return hypotheses, label

    def sweep(self) -> bool:
        """Enqueue a sweep: a worker then enqueues every story still missing a translation."""
        if not self.enabled:
            return False
        try:
            self.tasks.sweep(queued_at=stamp())
            return True
        except Exception as error:  # noqa: BLE001 - same as above
            log.warning("could not enqueue a sweep (%s); the workers sweep every %.0f s anyway",
                        error, self.settings.queue_sweep_seconds)
            return False

    # -- looking -----------------------------------------------------------------------------
    def pending(self, limit: int | None = None) -> list[QueuedJob]:
        return [_job(task) for task in self.huey.pending(limit)]

    def scheduled(self, limit: int | None = None) -> list[QueuedJob]:
        """Jobs waiting for a retry (their backoff), soonest first."""
        return sorted((_job(task) for task in self.huey.scheduled(limit)), key=lambda job: str(job.eta))

    def pending_story_ids(self) -> set[str]:
        return {job.argument for job in self.pending() + self.scheduled()
                if job.task == TRANSLATE and job.argument}

    def close(self) -> None:
        with self._lock:
            if self._huey is not None:
                self._huey.storage.close()
                self._huey = None


def _job(task: Task) -> QueuedJob:
    name = type(task).__name__
    args = task.args or ()
    argument = args[0] if name == TRANSLATE and args else None
    queued_at = (task.kwargs or {}).get("queued_at")
    return QueuedJob(key=job_key(name, argument), task=name, argument=argument, queued_at=queued_at,
                     id=task.id, eta=task.eta)


def oldest_age(jobs: list[QueuedJob], clock: Callable[[], float] = time.time) -> float | None:
    stamps = [job.queued_at for job in jobs if job.queued_at is not None]
    return round(clock() - min(stamps), 1) if stamps else None


__all__ = ["JobClient", "QueuedJob", "oldest_age", "SWEEP", "TRANSLATE"]
