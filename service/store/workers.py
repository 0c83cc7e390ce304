"""Worker heartbeats, the stories being translated, failed translation jobs: what ``/healthz``
and ``kakehashi jobs`` show.

Both live in the store rather than the queue so that every web machine reads them the same way,
whichever queue backend is configured, and a queue that loses its data (a Redis restart) does
not lose the record of why a job failed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import DateTime, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .models import Base, SiteStateRow, StoryRow
from .versions import as_utc, now


class WorkerRow(Base):
    """One running ``kakehashi worker`` process; ``seen_at`` moves every few seconds."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    device: Mapped[str] = mapped_column(String(40))
    concurrency: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class RunningJobRow(Base):
    """A story a worker is translating now: a job taken off the queue is in neither the queue nor
    the failures, and web processes must still count it as covered (``jobs.owed``)."""

    __tablename__ = "running_jobs"

    story_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class JobFailureRow(Base):
    """The last failure of a job (keyed like ``translate:<story id>``), kept until it succeeds."""

    __tablename__ = "job_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    task: Mapped[str] = mapped_column(String(80))
    argument: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    retries_left: Mapped[int] = mapped_column(Integer)
    failed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class WorkerSeen:
    id: str
    host: str
    pid: int
    device: str
    concurrency: int
    started_at: dt.datetime
    seen_at: dt.datetime


@dataclass(frozen=True)
class JobFailure:
    key: str
    task: str
    argument: str | None
    error: str
    attempts: int
    retries_left: int
    failed_at: dt.datetime

    @property
    def final(self) -> bool:
        """No retry is left: only ``kakehashi jobs retry``, an edit of the story or a change of
        the installed models runs it again (see ``given_up``)."""
        return self.retries_left <= 0


def beat(session: Session, worker: WorkerSeen, forget_after: dt.timedelta = dt.timedelta(hours=1)) -> None:
    """Record that ``worker`` is alive now; forget workers silent for ``forget_after``."""
    row = session.get(WorkerRow, worker.id)
    if row is None:
        session.add(WorkerRow(id=worker.id, host=worker.host, pid=worker.pid, device=worker.device,
                              concurrency=worker.concurrency, started_at=worker.started_at, seen_at=now()))
    else:
        row.seen_at = now()
        row.device = worker.device
    session.execute(delete(WorkerRow).where(WorkerRow.seen_at < now() - forget_after))
    session.execute(delete(RunningJobRow).where(RunningJobRow.worker_id.not_in(select(WorkerRow.id))))


def leave(session: Session, worker_id: str) -> None:
    session.execute(delete(WorkerRow).where(WorkerRow.id == worker_id))
    session.execute(delete(RunningJobRow).where(RunningJobRow.worker_id == worker_id))


def job_started(session: Session, worker_id: str, story_id: str) -> None:
    if session.get(RunningJobRow, (story_id, worker_id)) is None:
        session.add(RunningJobRow(story_id=story_id, worker_id=worker_id, started_at=now()))


def job_settled(session: Session, worker_id: str, story_id: str) -> None:
    """The job is over for the queue too: done, failed for good, or its retry scheduled."""
    session.execute(delete(RunningJobRow).where(RunningJobRow.worker_id == worker_id,
                                                RunningJobRow.story_id == story_id))


def running_stories(session: Session, within: dt.timedelta) -> set[str]:
    """Stories being translated by workers seen within ``within`` (a killed worker's rows do not count)."""
    alive = select(WorkerRow.id).where(WorkerRow.seen_at >= now() - within)
    return set(session.scalars(select(RunningJobRow.story_id).where(RunningJobRow.worker_id.in_(alive))))


def workers_seen(session: Session, within: dt.timedelta) -> list[WorkerSeen]:
    rows = session.scalars(select(WorkerRow).where(WorkerRow.seen_at >= now() - within).order_by(WorkerRow.id))
    return [WorkerSeen(r.id, r.host, r.pid, r.device, r.concurrency, as_utc(r.started_at), as_utc(r.seen_at))
            for r in rows]


def record_failure(session: Session, key: str, task: str, argument: str | None, error: str,
                   retries_left: int) -> None:
    row = session.get(JobFailureRow, key)
    if row is None:
        session.add(JobFailureRow(key=key, task=task, argument=argument, error=error[:4000], attempts=1,
                                  retries_left=retries_left, failed_at=now()))
    else:
        row.error, row.attempts, row.retries_left, row.failed_at = error[:4000], row.attempts + 1, retries_left, now()


def clear_failure(session: Session, key: str) -> None:
    session.execute(delete(JobFailureRow).where(JobFailureRow.key == key))


def job_failures(session: Session) -> list[JobFailure]:
    rows = session.scalars(select(JobFailureRow).order_by(JobFailureRow.failed_at, JobFailureRow.key))
    return [JobFailure(r.key, r.task, r.argument, r.error, r.attempts, r.retries_left, as_utc(r.failed_at))
            for r in rows]


def given_up(session: Session, task: str) -> set[str]:
    """The stories whose ``task`` job failed for good since the story or the engines last changed.

    The sweep leaves them alone: without this it enqueued them again every period, to fail the
    same way. An edit of the story or new models make them worth trying again, and so does
    ``kakehashi jobs retry``.
    """
    site = session.get(SiteStateRow, 1)
    if site is None:
        return set()
    engines_at = as_utc(site.engines_changed_at)
    rows = session.execute(select(JobFailureRow.argument, JobFailureRow.failed_at, StoryRow.updated_at)
                           .join(StoryRow, StoryRow.id == JobFailureRow.argument)
                           .where(JobFailureRow.task == task, JobFailureRow.retries_left <= 0))
    # compared at whole seconds, as failures are stored (a story's insert time has microseconds)
    return {story_id for story_id, failed_at, updated_at in rows
            if story_id is not None
            and as_utc(failed_at) >= max(as_utc(updated_at).replace(microsecond=0), engines_at)}
