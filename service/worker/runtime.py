"""One worker process: the store, the models (loaded once, shared by the consumer's threads),
the task handlers, and three chores that keep the tier honest:

- a heartbeat row every ``worker_heartbeat_seconds`` (``/healthz`` lists the workers seen);
- publishing the installed packages to the store at start and whenever the models folder
  changes, since web processes read which engine is current from the store;
- sweeping: at start, every ``queue_sweep_seconds`` and after the installed models change,
  enqueue every story that still has a field without a translation by its current engine (the
  backlog: behind every write, newest published first). This recovers what a crash between
  commit and enqueue, a killed worker, or a queue that lost its data (a Redis restart) left
  behind. A story whose job is running or has just ended is deferred, not dropped: it is checked
  again as soon as that job has settled (``InFlight``), since the job may have started before
  the change the sweep is for. A story whose job failed for good is left alone until it is
  edited, the models change, or ``kakehashi jobs retry`` runs it. A store not yet initialized
  (``kakehashi init`` not run) is not an error: the sweep tries again a few seconds later.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections import Counter
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from ..core.config import Settings
from ..jobs.client import JobClient
from ..jobs.hueylib import Task, signals
from ..jobs.tasks import TRANSLATE, TRANSLATE_TEXT, job_key
from ..jobs.withdrawals import SweepingCatalogWatcher
from ..store import Session, make_store
from ..store.backlog import newest_first, stories_missing_translations
from ..store.changes import publish_engines
from ..store.versions import now
from ..store.workers import WorkerSeen, beat, clear_failure, given_up, job_settled, job_started, leave, record_failure
from ..translate.engine import CPU, Device
from ..translate.fill import fill_missing
from ..translate.glossary_live import GlossaryWatcher, current_glossary
from ..translate.memory import translators_call
from ..translate.registry import Translators

log = logging.getLogger(__name__)
NOT_READY_RETRY_SECONDS = 2.0
_NEVER = object()                # no models folder signature published yet


JUST_ENDED_SECONDS = 10.0


class InFlight:
    """Which stories this worker process is translating, or has just finished: sweeps leave them alone,
    and come back to them (``defer``) once their job has settled, so a skipped story is never dropped.

    A job has *settled* when Huey is done with it: it succeeded, failed for good, or its retry is on
    the schedule. Between the end of a job's body and that moment the story is neither in flight nor
    queued, and a sweep then started a second chain of attempts; so an ended job counts as busy
    until it settles (at most ``just_ended`` seconds, should a settle never be reported).

    A sweep that meets a busy story cannot know whether the running job saw what the sweep saw (a
    model installed after the job loaded the models, a human translation withdrawn meanwhile), so it
    defers the story: once the job has settled, ``take_ready`` hands it back to be checked again.
    """

    def __init__(self, just_ended: float = JUST_ENDED_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.just_ended = just_ended
        self._clock = clock
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()   # two threads may run jobs of one story
        self._ended: dict[str, float] = {}         # ended, not settled yet: story id -> when (clock)
        self._deferred: set[str] = set()           # a sweep skipped them while busy: check again

    @contextmanager
    def tracking(self, story_id: str) -> Iterator[None]:
        """Around a job's body: the story is busy from its start until its job settles."""
        with self._lock:
            self._running[story_id] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[story_id] -= 1
                if self._running[story_id] <= 0:
                    del self._running[story_id]
                self._ended[story_id] = self._clock()

    def settled(self, story_id: str) -> bool:
        """Huey is done with the story's job; True when a deferred story may now be checked again."""
        with self._lock:
            self._ended.pop(story_id, None)
            return story_id in self._deferred and story_id not in self._running

    def busy(self) -> set[str]:
        with self._lock:
            return self._busy()

    def _busy(self) -> set[str]:
        horizon = self._clock() - self.just_ended
        self._ended = {story_id: at for story_id, at in self._ended.items() if at > horizon}
        return set(self._running) | set(self._ended)

    def defer(self, story_ids: Iterable[str]) -> None:
        with self._lock:
            self._deferred.update(story_ids)

    def deferred(self) -> set[str]:
        with self._lock:
            return set(self._deferred)

    def take_ready(self) -> set[str]:
        """The deferred stories no longer busy, forgotten here: the caller checks them again."""
        with self._lock:
            ready = self._deferred - self._busy()
            self._deferred -= ready
            return ready

    def next_ready_in(self) -> float | None:
        """Seconds until a deferred, ended story stops counting as busy even if its settle is never
        reported; None when no deferred story is waiting on that clock."""
        with self._lock:
            waits = [at + self.just_ended - self._clock() for story_id, at in self._ended.items()
                     if story_id in self._deferred and story_id not in self._running]
        return max(0.0, min(waits)) if waits else None


class StoreNotReady(RuntimeError):
    """The store has no tables yet; the job is retried (and ``kakehashi init`` creates them)."""


class TranslationFailed(RuntimeError):
    """Some pair of a story could not be translated; the message says which and why."""


class WorkerRuntime:
    def __init__(self, settings: Settings, concurrency: int = 1, device: Device = CPU):
        self.settings = settings
        self.concurrency = concurrency
        self.device = device
        self.store = make_store(settings.database_url)
        self.translators = Translators(settings, device=device)
        self.jobs = JobClient(settings, handlers=self, enabled=True)
        self.identity = WorkerSeen(id=f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}",
                                   host=socket.gethostname(), pid=os.getpid(), device=str(device),
                                   concurrency=concurrency, started_at=now(), seen_at=now())
        self._stop = threading.Event()
        self._wake = threading.Event()      # the sweeper: a full sweep (``_sweep_due``) or a recheck
        self._sweep_due = threading.Event()
        self._threads: list[threading.Thread] = []
        self.in_flight = InFlight()
        self._published: object = _NEVER    # the models folder signature last published to the store
        # Saved catalogs are imported here, in a real thread of the worker tier: web processes run
        # on gevent, where a long import would stall every request of the process.
        self.catalog_watcher = SweepingCatalogWatcher(settings, self.store, self.jobs) if settings.catalog_watch else None
        # the glossary file likewise; a change enqueues the stories holding a changed term
        self.glossary_watcher = GlossaryWatcher(settings, self.store, self.jobs.translate) if settings.catalog_watch else None
        huey = self.jobs.huey
        huey.signal(signals.SIGNAL_ERROR)(self._on_error)
        huey.signal(signals.SIGNAL_COMPLETE)(self._on_complete)
        huey.signal(signals.SIGNAL_SCHEDULED)(self._on_scheduled)

    # -- task handlers -----------------------------------------------------------------------
    def translate_story(self, story_id: str) -> None:
        if not self.store.is_initialized():
            raise StoreNotReady("the store is not initialized yet; run: kakehashi init")
        with self.in_flight.tracking(story_id):
            self._record(job_started, story_id)
            self.translators.refresh(force=False)
            report = fill_missing(self.store, self.translators, story_ids=[story_id])
        if report.done:
            log.info("story %s: %d fields translated in %.1f s", story_id, report.done, report.seconds)
        if report.failed_pairs or report.reasons:
            reasons = "; ".join(f"{s}-{t}: {report.reasons.get((s, t), 'failed (see the worker log)')}"
                                for s, t in sorted(set(report.failed_pairs) | set(report.reasons)))
            raise TranslationFailed(f"{reasons}. Fix or reinstall the model (kakehashi models install), "
                                    "then: kakehashi jobs retry")

    def translate_sentences(self, source: str, target: str, sentences: list[str],
                            count: int) -> tuple[list[list[str]], str]:
        """A ``/translate`` request's unseen sentences, with this process's models."""
        self.translators.refresh(force=False)
        return translators_call(self.translators, glossary=current_glossary(self.store))(source, target, sentences, count)

    def sweep(self) -> bool:
        """Enqueue every story with a field still missing its current translation, but those
        whose job failed for good since the story or the models last changed; False when the
        store is not ready (the caller tries again soon)."""
        return self._enqueue_owed(None)

    def recheck(self) -> bool:
        """The sweep again, for the stories it deferred whose jobs have settled since."""
        ready = self.in_flight.take_ready()
        if ready and not self._enqueue_owed(ready):
            self.in_flight.defer(ready)          # store or queue down: keep them for the next try
            return False
        return True

    def _enqueue_owed(self, candidates: set[str] | None) -> bool:
        try:
            if not self.store.is_initialized():
                log.info("sweep: the store is not initialized yet (run: kakehashi init); "
                         "trying again in %.0f s", NOT_READY_RETRY_SECONDS)
                return False
            self.translators.refresh(force=True)     # a sweep is for what changed: no rescan delay
            engines = self.translators.engines()
            if not engines:
                return True
            with self.store.reading() as session:
                missing = stories_missing_translations(session, engines, candidates)
                failed = given_up(session, TRANSLATE) if missing else set()
            # this process around the queue: a job taken off the queue meanwhile is in flight after,
            # and a retry scheduled meanwhile belongs to a job that was busy before
            busy = self.in_flight.busy()
            waiting = self.jobs.pending_story_ids() if missing else set()
            busy |= self.in_flight.busy()
            owed = missing - waiting - failed
            self.in_flight.defer(owed & busy)
            with self.store.reading() as session:
                todo = newest_first(session, owed - busy)
        except Exception as error:  # noqa: BLE001 - store or queue down: the next sweep retries
            log.warning("sweep failed (%s); trying again in %.0f s", error, NOT_READY_RETRY_SECONDS)
            return False
        if failed & missing:
            log.info("sweep: %d stories left alone, their jobs failed for good (see: kakehashi jobs; "
                     "then kakehashi jobs retry)", len(failed & missing))
        if owed & busy:
            log.info("sweep: %d stories being translated here, checked again when their jobs settle",
                     len(owed & busy))
        if todo:
            enqueued = self.jobs.backlog(todo)
            log.info("sweep: %d of %d stories missing translations enqueued", enqueued, len(todo))
            return enqueued == len(todo)
        return True

    # -- failures, as users see them ---------------------------------------------------------
    def _on_error(self, _signal: str, task: Task, error: BaseException) -> None:
        name, argument = _describe(task)
        if name == TRANSLATE_TEXT:       # its caller gets the error; it is not a job to retry
            log.warning("a /translate request's job failed: %s", error)
            return
        reason = str(error) or type(error).__name__
        with self.store.transaction() as session:
            record_failure(session, job_key(name, argument), name, argument, reason, retries_left=task.retries)
        when = f"retrying ({task.retries} left)" if task.retries else "no retries left: kakehashi jobs retry"
        log.error("job %s failed, %s: %s", job_key(name, argument), when, reason)
        if not task.retries:
            self._settled(argument)              # no retry will be scheduled: Huey is done with it

    def _on_scheduled(self, _signal: str, task: Task) -> None:
        """A retry is on the schedule: the story is covered again (also for a job that arrived early)."""
        self._settled(_describe(task)[1])

    def _on_complete(self, _signal: str, task: Task) -> None:
        name, argument = _describe(task)
        if name == TRANSLATE_TEXT:
            return
        try:
            with self.store.transaction() as session:
                clear_failure(session, job_key(name, argument))
        except Exception:  # a store not initialized has no failures to clear
            log.debug("could not clear the failure record of %s", job_key(name, argument), exc_info=True)
        self._settled(argument)

    def _settled(self, story_id: str | None) -> None:
        """Huey is done with a story's job: it no longer counts as running, and a sweep that
        skipped the story meanwhile gets it back (the sweeper thread checks it again)."""
        if story_id is None:
            return
        self._record(job_settled, story_id)
        if self.in_flight.settled(story_id):
            self._wake.set()

    def _record(self, change: Callable[[Session, str, str], None], story_id: str) -> None:
        """Which stories run where, in the store for web processes; never fails a job."""
        try:
            with self.store.transaction() as session:
                change(session, self.identity.id, story_id)
        except Exception as error:  # noqa: BLE001 - e.g. a store one migration behind: only /healthz is less exact
            log.debug("could not record job state of %s: %s", story_id, error)

    # -- chores ------------------------------------------------------------------------------
    def publish_models(self) -> bool:
        """Publish this machine's installed packages when the models folder changed; True when
        the store now has them (False: store not ready, try later)."""
        signature = self.translators.signature()
        if signature == self._published:
            return True
        try:
            if not self.store.is_initialized():
                return False
            with self.store.transaction() as session:      # the folder read under the write lock
                self.translators.refresh(force=True)
                engines = {package.pair: package.engine for package in self.translators.packages()}
                changed = publish_engines(session, engines)
        except Exception as error:  # noqa: BLE001 - retried at the next heartbeat
            log.warning("could not publish the installed models (%s); will retry", error)
            return False
        self._published = signature
        if changed:
            log.info("published installed models: %s", ", ".join(sorted(engines.values())) or "none")
        self.request_sweep()         # a new pair or version: sweep for it now
        return True

    def request_sweep(self) -> None:
        self._sweep_due.set()
        self._wake.set()

    def heartbeat(self) -> bool:
        try:
            if not self.store.is_initialized():
                return False
            with self.store.transaction() as session:
                beat(session, self.identity)
            return True
        except Exception as error:  # noqa: BLE001 - e.g. the store is being migrated; next beat
            log.debug("heartbeat failed: %s", error)
            return False

    def _heartbeat_loop(self) -> None:
        while not self._stop.is_set():
            self.publish_models()
            self.heartbeat()
            self._stop.wait(self.settings.worker_heartbeat_seconds)

    def _sweep_loop(self) -> None:
        """Full sweeps at start and every period (sooner when asked); in between, rechecks of the
        deferred stories as their jobs settle, or when their ``just_ended`` time runs out."""
        next_sweep = time.monotonic()
        while not self._stop.is_set():
            wait = next_sweep - time.monotonic()
            ready_in = self.in_flight.next_ready_in()
            self._wake.wait(max(0.0, min(wait, ready_in) if ready_in is not None else wait))
            self._wake.clear()
            if self._stop.is_set():
                return
            if self._sweep_due.is_set() or time.monotonic() >= next_sweep:
                self._sweep_due.clear()
                ok = self.sweep()
                next_sweep = time.monotonic() + (self.settings.queue_sweep_seconds if ok else NOT_READY_RETRY_SECONDS)
            elif not self.recheck():
                next_sweep = min(next_sweep, time.monotonic() + NOT_READY_RETRY_SECONDS)

    def start(self) -> None:
        for name, target in (("kakehashi-heartbeat", self._heartbeat_loop), ("kakehashi-sweeper", self._sweep_loop)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        if self.catalog_watcher is not None:
            self.catalog_watcher.start()
        if self.glossary_watcher is not None:
            self.glossary_watcher.start()

    def close(self) -> None:
        if self.catalog_watcher is not None:
            self.catalog_watcher.stop()
        if self.glossary_watcher is not None:
            self.glossary_watcher.stop()
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout=10)
        try:
            with self.store.transaction() as session:
                leave(session, self.identity.id)
        except Exception:  # noqa: BLE001 - an uninitialized store has no row to remove
            pass
        self.jobs.close()
        self.store.dispose()


def _describe(task: Task) -> tuple[str, str | None]:
    name = type(task).__name__
    argument = task.args[0] if name == TRANSLATE and task.args else None
    return name, argument
