"""Live reload, off the request path: ``kakehashi worker`` notices a saved catalog file and
imports that one file from a background thread.

The worker runtime (``service/worker/runtime.py``) starts the watcher's daemon thread, which
checks the files every ``catalog_poll_seconds``: a real OS thread of the worker tier, since web
processes run on gevent, where a long import would stall every request of the process. It is
never started by ``create_app``, a web process or a CLI run, and no request ever reads a
catalog: requests only see what an import committed (one transaction per file,
``importer``). Tests call ``check_now()`` or ``start()``.

Each poll walks the tree with ``scandir`` and one ``lstat`` per file (``files_on_disk``), never a
read: with 30,000 files that is tens of milliseconds, and the store is asked only about files
whose fingerprint this process has not seen yet. A file's fingerprint is its mtime (ns), size
and inode (a symlink or a FIFO is looked at, never followed or opened); an atomic save (temp file + rename, as
``export`` and most editors do) changes the inode, an in-place save the mtime/size. Several
workers share the work through ``CatalogStateRow``: when the store already has this
fingerprint's result, another process imported (or rejected) it and nothing is done. Imports
are idempotent and write by upsert, so two workers racing on the same file do no harm.

Half-written files: a file is only read once it has settled, its mtime at least
``settle_seconds`` old (``catalog_settle_seconds``, default 1 s): an editor that writes in
place and pauses mid-write leaves a file that can be cut at a line boundary and still parse,
and only its age tells. (A file whose mtime is in the future, a clock that disagrees with the
file system's, settles once this watcher has seen it unchanged for ``settle_seconds``.) A
file written while it is imported is rolled back and read at the next poll. A broken file is
recorded (``ok=False``, a short ``file:line: reason`` with the file relative to the catalogs
folder) and the last good import keeps being served; a fixed (or removed) file clears it.
``status()`` reports the catalogs for ``/healthz``.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

from ..config import Settings
from ..store import Store
from ..store.catalogs import broken_states, catalog_states, forget_failed_state, mark_path_stale, state_counts
from . import PROBLEMS_KEPT, CatalogError, CatalogLimits, clip, files_on_disk
from .importer import CatalogChanged, ImportReport, fingerprint_of, import_file
from .safefile import fingerprint

log = logging.getLogger(__name__)
MIN_POLL_SECONDS = 0.2
MAX_ERROR_CHARS = 1000      # a recorded error: a file name and a clipped reason
ERROR_SHOWN = 400           # what /healthz and the status page show of it


class CatalogWatcher:
    def __init__(self, settings: Settings, store: Store, clock: Callable[[], float] = time.monotonic,
                 settle_seconds: float | None = None, wall_clock: Callable[[], float] = time.time):
        """``settle_seconds`` defaults to ``settings.catalog_settle_seconds``, else 1 s;
        ``clock`` paces the polls, ``wall_clock`` is what file mtimes are compared with."""
        self.store = store
        self.directory = settings.translations_dir
        self.limits = CatalogLimits.from_settings(settings)
        self.interval = max(0.0, float(settings.catalog_poll_seconds))
        if settle_seconds is None:
            settle_seconds = getattr(settings, "catalog_settle_seconds", 1.0)
        self.settle = max(0.0, float(settle_seconds))
        self.clock = clock
        self.wall_clock = wall_clock
        self._lock = threading.Lock()
        self._last_check: float | None = None
        self._seen: dict[str, str | None] = {}
        self._unsettled: dict[str, tuple[str, float]] = {}     # key -> (fingerprint, first seen)
        self._failing = False
        self._status_failing = False      # the last status() could not read the store (logged once)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.last_reports: list[ImportReport] = []

    def maybe_reload(self) -> None:
        """Check the catalogs if the poll interval has passed; never raises (what it imported
        is in ``last_reports``)."""
        now = self.clock()
        self.last_reports = []
        if self._last_check is not None and now - self._last_check < self.interval:
            return None
        if not self._lock.acquire(blocking=False):
            return None                   # another thread of this process is checking
        try:
            self._last_check = now
            self.last_reports = self.check_now()
        finally:
            self._lock.release()
        return None

    def check_now(self) -> list[ImportReport]:
        """One look at the tree: a stat per file, the store asked only about files whose
        fingerprint this process has not seen, and only those read."""
        try:
            changed, gone = self._scan()
            reports = self._import(changed)
            for key in gone:
                self._forget(key)
            self._failing = False
        except Exception:  # a store hiccup must not stop the watcher
            if not self._failing:
                log.exception("checking the catalogs failed; will retry")
            self._failing = True
            return []
        return reports

    def _scan(self) -> tuple[list[tuple[str, Path, str]], list[str]]:
        prefix = str(self.directory).rstrip("/") + "/"
        current: dict[str, tuple[Path, str]] = {}
        for path, info in files_on_disk(self.directory):
            current[str(path)[len(prefix):]] = (path, fingerprint(info))
        changed = [(key, path, print_) for key, (path, print_) in current.items() if self._seen.get(key) != print_]
        gone = [key for key, print_ in self._seen.items() if print_ is not None and key not in current]
        return changed, gone

    def _import(self, changed: list[tuple[str, Path, str]]) -> list[ImportReport]:
        if not changed:
            return []
        with self.store.reading() as session:
            # a row whose error is longer than any error recorded now was written by an older
            # version (which echoed file contents): check the file again to replace it
            done = {row.path: row.fingerprint for row in catalog_states(session, [key for key, _, _ in changed])
                    if len(row.error or "") <= MAX_ERROR_CHARS}
        reports = []
        for key, path, print_ in changed:
            if done.get(key) == print_:
                self._seen[key] = print_
                continue
            if not self._settled(key, print_):
                continue                  # maybe still being written; look again next poll
            report = self._import_one(path)
            self._seen[key] = print_
            if report is not None:
                reports.append(report)
        return reports

    def _import_one(self, path: Path) -> ImportReport | None:
        try:
            report = import_file(self.store, self.directory, path, limits=self.limits, unless_done=True)
        except CatalogChanged:
            return None                   # written while read: nothing taken, read it next time
        except CatalogError as error:
            log.warning("catalog rejected, still serving the last good one: %s", error.first)
            return None
        if report is not None:
            log.info("catalog reloaded: %s", report.summary())
        return report

    def _forget(self, key: str) -> None:
        """A removed file: what was imported stays served, its old error is cleared (a file
        that is not there is not broken), and the next export writes it again."""
        with self.store.transaction() as session:
            forget_failed_state(session, key)
            mark_path_stale(session, key)
        self._seen[key] = None

    def _settled(self, key: str, fingerprint: str) -> bool:
        """Has the file been left alone for ``settle`` seconds? By its mtime; an mtime in the
        future (clock skew) by this watcher having seen the same fingerprint that long."""
        if self.settle <= 0:
            return True
        mtime = int(fingerprint.split(":", 1)[0]) / 1e9      # fingerprint_of: "mtime_ns:size:inode"
        age = self.wall_clock() - mtime
        if age >= self.settle:
            self._unsettled.pop(key, None)
            return True
        if age >= 0:
            return False
        first = self._unsettled.get(key)
        now = self.clock()
        if first is None or first[0] != fingerprint:
            self._unsettled[key] = (fingerprint, now)
            return False
        return bool(now - first[1] >= self.settle)

    # --- the background thread -------------------------------------------------------------

    def start(self) -> bool:
        """Start polling in a daemon thread, once per process; False if already running."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return False
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="kakehashi-catalog-watcher", daemon=True)
            self._thread.start()
            return True

    def stop(self, timeout: float | None = 5) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        interval = max(MIN_POLL_SECONDS, self.interval)
        while True:
            with self._lock:
                self.check_now()
            if self._stop.wait(interval):
                return

    # --- what /healthz shows ----------------------------------------------------------------

    def status(self, files: int = PROBLEMS_KEPT) -> dict[str, Any]:
        """How many files were accepted and rejected at their last check, and the first
        ``files`` broken ones: each with its first problem, short (``file:line: reason``)."""
        try:
            with self.store.reading() as session:
                counts = state_counts(session)
                rows = broken_states(session, files)
        except Exception as error:  # noqa: BLE001 - health reports, never raises
            if not self._status_failing:
                log.warning("reading the catalogs' states for /healthz failed (shown as none): %s", error)
            self._status_failing = True
            return {"ok": 0, "broken": 0, "files": []}
        self._status_failing = False
        return {**counts, "files": [describe_state(row, self.directory) for row in rows]}



def describe_state(row: Any, directory: Path) -> dict[str, Any]:
    """One file's last check as ``/healthz`` and the status page show it: never its contents,
    never an absolute path."""
    details = row.details or {}
    warnings = len(details.get("warnings") or []) + int(details.get("more_warnings") or 0)
    problems = len(details.get("problems") or []) + int(details.get("more") or 0)
    return {"file": row.path, "lang": row.path.split("/", 1)[0], "ok": bool(row.ok),
            "error": clip(_relative(row.error, directory) or "", ERROR_SHOWN) or None, "problems": problems,
            "current": fingerprint_of(directory / row.path) == row.fingerprint,
            "checked_at": row.checked_at.isoformat() if row.checked_at else None,
            "counts": details.get("counts"), "warnings": warnings}


def _relative(text: str | None, directory: Path) -> str | None:
    """Never an absolute path on ``/healthz``: states are recorded relative to the catalogs
    folder, and one recorded before that (or by a process with another path to the same
    folder) is shown relative too."""
    if not text:
        return text
    for folder in {str(directory), str(directory.resolve())}:
        prefix = folder.rstrip("/") + "/"
        if text.startswith(prefix):
            return text[len(prefix):]
    return text
