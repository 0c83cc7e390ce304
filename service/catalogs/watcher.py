"""Live reload, off the request path: ``kakehashi worker`` notices a saved catalog file and
imports that one file from a background thread.

The worker runtime (``service/worker/runtime.py``) starts the watcher's daemon thread, which
checks the files every ``catalog_poll_seconds``: a real OS thread of the worker tier, since web
processes run on gevent, where a long import would stall every request of the process. It is
never started by ``create_app``, a web process or a CLI run, and no request ever reads a
catalog: requests only see what an import committed (one transaction per file,
``importer``). Tests call ``check_now()`` or ``start()``.

Once started, the watcher listens to the file system's events (inotify, through watchdog:
``events``) and each poll stats only the files reported since the last one, so a poll costs
nothing with 100,000 stories. Every ``full_scan_seconds`` (and at the first poll, and wherever
inotify is not available) it walks the whole tree with ``scandir`` and one ``lstat`` per file
(``files_on_disk``), never a read. Either way the store is asked only about files whose
fingerprint this process has not seen yet. A file's fingerprint is its mtime (ns), size
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
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable

from ..core.config import Settings
from ..store import Store
from ..store.catalogs import broken_states, catalog_states, forget_failed_state, mark_path_stale, state_counts
from . import PROBLEMS_KEPT, CatalogError, CatalogLimits, clip, files_on_disk
from .importer import CatalogChanged, ImportReport, fingerprint_of, import_file
from .safefile import fingerprint

log = logging.getLogger(__name__)
MIN_POLL_SECONDS = 0.2
WRITES = {"created", "modified", "moved", "deleted", "closed"}   # watchdog's event types that change a file
FULL_SCAN_SECONDS = 300.0   # with events, still a stat of every file this often: events can be lost
MAX_ERROR_CHARS = 1000      # a recorded error: a file name and a clipped reason
ERROR_SHOWN = 400           # what /healthz and the status page show of it


class FileEvents:
    """The ``.po`` files (relative to the catalogs folder) reported since the last ``drain``.

    A watcher that only polls must stat every file of the tree at every poll: with 100,000
    stories (400,000 files) that is seconds of CPU every two seconds. watchdog (the well-kept
    binding to inotify on Linux, FSEvents and kqueue elsewhere) reports each created, modified,
    moved and deleted file instead. Its thread collects them into a set the watcher drains;
    ``drain`` returns None while no event source runs (not started, or the system refused: too
    many inotify watches), and the watcher then scans the whole tree. watchdog is imported
    when the watcher starts, in the worker only."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._prefix = str(self.directory).rstrip("/") + "/"
        self._lock = threading.Lock()
        self._touched: set[str] = set()
        self._observer: Any = None

    def start(self) -> bool:
        """Listen from now on; False (and the watcher keeps scanning) when it cannot."""
        if self._observer is not None:
            return True
        try:
            from watchdog.events import FileSystemEvent, FileSystemEventHandler
            from watchdog.observers import Observer

            events = self

            class Collect(FileSystemEventHandler):
                def on_any_event(self, event: FileSystemEvent) -> None:
                    if event.event_type not in WRITES:
                        return          # opened, read, closed unwritten: the watcher's own reads
                    events.note(event.src_path)
                    events.note(getattr(event, "dest_path", "") or "")

            self.directory.mkdir(parents=True, exist_ok=True)
            observer = Observer()
            observer.schedule(Collect(), str(self.directory), recursive=True)
            observer.daemon = True
            observer.start()
        except Exception as error:  # noqa: BLE001 - no events: the watcher scans every poll instead
            log.warning("no file-system events for the catalogs (%s); every poll stats every file", error)
            return False
        self._observer = observer
        return True

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(5)
            self._observer = None

    def note(self, path: str | bytes) -> None:
        text = path.decode("utf-8", "surrogateescape") if isinstance(path, bytes) else path
        if text.endswith(".po") and text.startswith(self._prefix):
            with self._lock:
                self._touched.add(text[len(self._prefix):])

    def drain(self) -> set[str] | None:
        """What was reported since the last call, or None when no event source runs."""
        if self._observer is None or not self._observer.is_alive():
            return None
        with self._lock:
            touched, self._touched = self._touched, set()
        return touched


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
        self.events = FileEvents(self.directory)    # inotify once started; until then every poll scans
        self.full_scan_seconds = FULL_SCAN_SECONDS
        self._last_full: float | None = None
        self._pending: set[str] = set()           # changed, not yet settled or read: looked at again
        self.last_scanned = 0                      # files stat'ed by the last poll

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
        """The files to look at: those the file system reported since the last poll (inotify),
        or, without events or every ``full_scan_seconds`` (events can be lost: a queue
        overflow, a network file system), every file of the tree."""
        now = self.clock()
        touched = self.events.drain()
        if touched is None or self._last_full is None or now - self._last_full >= self.full_scan_seconds:
            self._last_full = now
            return self._scan_all()
        keys = touched | self._pending
        self._pending = set()
        changed, gone = [], []
        for key in sorted(keys):
            path = self.directory / key
            try:
                print_: str | None = fingerprint(os.lstat(path))
            except OSError:
                print_ = None
            if print_ is None:
                if self._seen.get(key) is not None:
                    gone.append(key)
            elif self._seen.get(key) != print_:
                changed.append((key, path, print_))
        self.last_scanned = len(keys)
        return changed, gone

    def _scan_all(self) -> tuple[list[tuple[str, Path, str]], list[str]]:
        prefix = str(self.directory).rstrip("/") + "/"
        current: dict[str, tuple[Path, str]] = {}
        for path, info in files_on_disk(self.directory):
            current[str(path)[len(prefix):]] = (path, fingerprint(info))
        changed = [(key, path, print_) for key, (path, print_) in current.items() if self._seen.get(key) != print_]
        gone = [key for key, print_ in self._seen.items() if print_ is not None and key not in current]
        self.last_scanned = len(current)
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
                self._pending.add(key)
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
            self._pending.add(path.relative_to(self.directory).as_posix())
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

    @property
    def running(self) -> bool:
        """Whether the polling thread runs: only after ``start()`` (a request hook or a CLI run
        polls in its own thread, through ``maybe_reload``/``check_now``)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> bool:
        """Start polling in a daemon thread, once per process; False if already running. The
        file system's events (inotify) are listened to from now on, where they can be."""
        with self._lock:
            if self.running:
                return False
            self.events.start()
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="kakehashi-catalog-watcher", daemon=True)
            self._thread.start()
            return True

    def stop(self, timeout: float | None = 5) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.events.stop()

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
