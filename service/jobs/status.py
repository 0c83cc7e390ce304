"""The queue as ``/healthz`` and ``kakehashi jobs`` report it: depth, oldest job, retries waiting,
failures (with their reason), the workers seen recently (their heartbeat rows), and the stories
owed a translation that no job covers (``owed``)."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from ..core.config import Settings
from ..store import Store
from ..store.workers import JobFailure, clear_failure, job_failures, workers_seen
from .client import JobClient, oldest_age
from .owed import OwedWatch, owed_work, recent
from .queue import describe_backend

log = logging.getLogger(__name__)
OLDEST_SCAN_LIMIT = 5000     # beyond this many pending jobs the oldest one's age is not computed


def queue_report(settings: Settings, store: Store, jobs: JobClient, initialized: bool,
                 watch: OwedWatch | None = None) -> dict[str, Any]:
    """``owed``: stories owed a translation, those no job covers, and for how long this process has
    seen that above 0; past a sweep period the report is not ok (``/healthz``: degraded)."""
    report: dict[str, Any] = {"backend": describe_backend(settings), "reachable": True, "depth": None,
                    "oldest_pending_seconds": None, "retries_waiting": None, "failed": [], "workers": [],
                    "owed": {"stories": None, "uncovered": None, "uncovered_seconds": None}}
    try:
        huey = jobs.huey
        depth = huey.pending_count()
        report["depth"] = depth
        report["retries_waiting"] = huey.scheduled_count()
        if 0 < depth <= OLDEST_SCAN_LIMIT:
            report["oldest_pending_seconds"] = oldest_age(jobs.pending())
    except Exception as error:  # noqa: BLE001 - health reports, never raises
        log.warning("queue unreachable for /healthz: %s", error)
        report["reachable"] = False
    if initialized:
        try:
            with store.reading() as session:
                failures, workers = job_failures(session), workers_seen(session, recent(settings))
        except Exception as error:  # noqa: BLE001 - e.g. the store is one migration behind
            log.warning("cannot read workers and job failures: %s", error)
            failures, workers = [], []
        now = dt.datetime.now(dt.timezone.utc)
        report["failed"] = [{"job": f.key, "error": _public(f.error, settings), "attempts": f.attempts,
                             "retries_left": f.retries_left, "failed_at": f.failed_at.isoformat()}
                            for f in failures[:20]]
        report["workers"] = [{"id": w.id, "host": w.host, "device": w.device, "concurrency": w.concurrency,
                              "seen_seconds_ago": round((now - w.seen_at).total_seconds(), 1)} for w in workers]
        if report["reachable"]:
            report["owed"] = _owed(settings, store, jobs, watch or OwedWatch())
    stuck = (report["owed"]["uncovered_seconds"] or 0) > settings.queue_sweep_seconds
    report["ok"] = report["reachable"] and not stuck and not any(f["retries_left"] <= 0 for f in report["failed"])
    return report


def _owed(settings: Settings, store: Store, jobs: JobClient, watch: OwedWatch) -> dict[str, Any]:
    try:
        owed = owed_work(settings, store, jobs)
    except Exception as error:  # noqa: BLE001 - health reports, never raises (e.g. a store one migration behind)
        log.warning("cannot count the owed translations: %s", error)
        return {"stories": None, "uncovered": None, "uncovered_seconds": None}
    return {"stories": owed.stories, "uncovered": len(owed.uncovered),
            "uncovered_seconds": round(watch.observe(len(owed.uncovered)), 1)}


def _public(error: str, settings: Settings) -> str:
    """A failure's reason without the server's folders, short enough for a health page."""
    for folder in {str(settings.models_dir), str(settings.instance_dir)}:
        error = error.replace(folder, "<" + ("models" if folder == str(settings.models_dir) else "instance") + ">")
    return error[:300]


def failed_jobs(store: Store) -> list[JobFailure]:
    """Failed jobs with their reason, as the workers recorded them."""
    with store.reading() as session:
        return job_failures(session)


def forget_failures(store: Store, keys: list[str]) -> None:
    """Drop the failure records of jobs enqueued again."""
    with store.transaction() as session:
        for key in keys:
            clear_failure(session, key)
