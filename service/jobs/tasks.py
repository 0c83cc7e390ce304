"""The task definitions: names, retry policy, and a body that hands over to the worker runtime.

Web processes define the same tasks (to enqueue them) with no handlers: they never run a task,
so they never load a model. Every task is idempotent: running one twice stores nothing twice.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any, Protocol

from ..core.config import Settings
from .hueylib import Huey, TaskWrapper

TRANSLATE = "translate_story"
SWEEP = "sweep"
TRANSLATE_TEXT = "translate_sentences"
# The order in which a worker takes jobs (higher first; Huey's SQLite and Redis priority queues):
INTERACTIVE = 100          # a /translate request: someone is waiting for the answer
WRITE = 50                 # a story just written (API, init, retries asked for by name), and sweeps
BACKLOG = 0                # what a sweep finds (installs, removals, withdrawals, crashes): below 1,
                           # newest published first (``backlog_priority``)


def backlog_priority(published: dt.date) -> float:
    """In [0, 1): a newer story goes first, and any story write goes before the whole backlog, so a
    model install over a big archive delays a new story by one job at most (per worker thread)."""
    return BACKLOG + published.toordinal() / 1_000_000


class Handlers(Protocol):
    """What the worker runtime does for each task (``service.worker.runtime.WorkerRuntime``)."""

    def translate_story(self, story_id: str) -> None: ...

    def sweep(self) -> bool: ...

    def translate_sentences(self, source: str, target: str, sentences: list[str],
                            count: int) -> tuple[list[list[str]], str]: ...


class NotAWorker(RuntimeError):
    """A task ran in a process that only enqueues (a web worker, a CLI command)."""


@dataclass(frozen=True)
class Tasks:
    translate_story: TaskWrapper
    sweep: TaskWrapper
    translate_sentences: TaskWrapper


def job_key(name: str, argument: str | None) -> str:
    """How a job is named in ``kakehashi jobs`` and the failures table: ``translate:<story>``."""
    return f"translate:{argument}" if name == TRANSLATE else name


def define_tasks(huey: Huey, settings: Settings, handlers: Handlers | None = None) -> Tasks:
    def runtime() -> Handlers:
        if handlers is None:
            raise NotAWorker("this process only enqueues jobs; start one with: kakehashi worker")
        return handlers

    retry = {"retries": settings.queue_retries, "retry_delay": settings.queue_retry_seconds, "retry_backoff": 2}

    @huey.task(name=TRANSLATE, **retry)
    def translate_story(story_id: str, queued_at: float | None = None) -> None:
        """Fill the story's missing machine translations (every pair with a model)."""
        runtime().translate_story(story_id)

    @huey.task(name=SWEEP, retries=0, priority=WRITE)
    def sweep(queued_at: float | None = None) -> None:
        """Enqueue a translation for every story with a field still missing one."""
        runtime().sweep()

    @huey.task(name=TRANSLATE_TEXT, retries=0, priority=INTERACTIVE)
    def translate_sentences(source: str, target: str, sentences: list[str], count: int) -> list[Any]:
        """Sentences a ``/translate`` request needs and the memory lacks: ``count`` hypotheses
        each and the engine label. Someone waits for it, so it is never retried."""
        hypotheses, label = runtime().translate_sentences(source, target, sentences, count)
        return [hypotheses, label]

    return Tasks(translate_story=translate_story, sweep=sweep, translate_sentences=translate_sentences)


def stamp() -> float:
    """When a job was enqueued (wall clock, seconds): the oldest pending job's age comes from it."""
    return time.time()
