"""Translate a story's fields after it is created or changed, without blocking the request.

One worker thread per process (CTranslate2 already uses all cores for one batch; more
threads would only compete). Requests for a story already waiting are merged. Errors are
logged; until the fill is done the fields are served as source.
"""
from __future__ import annotations

import fcntl
import logging
import queue
import threading
from contextlib import contextmanager
from pathlib import Path

from .fill import fill_missing

log = logging.getLogger(__name__)
ALL_STORIES = "*"   # not a valid story id (slugs are a-z0-9-), so it cannot clash with one


class BackgroundFill:
    def __init__(self, settings, store, translators):
        self.settings = settings
        self.store = store
        self.translators = translators
        self._queue: queue.Queue = queue.Queue()
        self._waiting: set[str] = set()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._busy = 0
        self._worker: threading.Thread | None = None

    def sweep(self) -> bool:
        """Queue a fill of everything missing: run once when a worker starts, so fills queued
        in a process that stopped (restart, deploy) are not lost. Cheap when nothing is missing;
        several workers sweeping at once store each translation once (duplicates are ignored)."""
        return self.schedule(ALL_STORIES)

    def schedule(self, story_id: str) -> bool:
        """Queue a fill for one story; returns False when nothing will run (off, or no models)."""
        if not self.settings.mt_background:
            return False
        try:
            if not self.translators.engines():
                self.translators.refresh(force=True)  # a model installed in the last seconds
            if not self.translators.engines():
                return False
        except Exception:  # noqa: BLE001 - never raise into the request
            log.exception("cannot check the installed models; story %s not translated", story_id)
            return False
        with self._lock:
            if story_id in self._waiting:
                return True
            self._waiting.add(story_id)
            self._busy += 1
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="kakehashi-mt-fill", daemon=True)
                self._worker.start()
        self._queue.put(story_id)
        return True

    def _run(self) -> None:
        while True:
            story_id = self._queue.get()
            with self._lock:
                self._waiting.discard(story_id)
            what = "all stories (sweep)" if story_id == ALL_STORIES else f"story {story_id}"
            try:
                self.translators.refresh(force=True)  # cheap: a listing; reloads only changed models
                with self._sweep_turn(story_id) as mine:
                    if not mine:
                        continue
                    report = fill_missing(self.store, self.translators,
                                          story_ids=None if story_id == ALL_STORIES else [story_id])
                if report.done or report.failed:
                    log.info("background fill of %s: %d fields translated, %d failed in %.1f s",
                             what, report.done, report.failed, report.seconds)
            except Exception:  # noqa: BLE001 - a worker that dies would silently stop all fills
                log.exception("background fill of %s failed", what)
            finally:
                with self._lock:
                    self._busy -= 1
                    self._idle.notify_all()

    @contextmanager
    def _sweep_turn(self, story_id: str):
        """Sweeps of the workers of one machine take turns: the one that finds the lock taken
        skips, since the holder translates the same texts (this halves start-up CPU, nothing
        else). Story fills always run."""
        if story_id != ALL_STORIES:
            yield True
            return
        lock_path = Path(self.settings.instance_dir) / "sweep.lock"
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with open(lock_path, "a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                log.debug("another worker is sweeping; this one skips")
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every scheduled fill is done (for tests); False on timeout."""
        with self._lock:
            return self._idle.wait_for(lambda: self._busy == 0, timeout=timeout)
