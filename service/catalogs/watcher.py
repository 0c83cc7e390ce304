"""Live reload: each worker process notices a changed ``content.po`` and imports it.

A file's fingerprint is its mtime (ns), size and inode; an atomic save (temp file + rename, as
``export`` and most editors do) changes the inode, an in-place save the mtime/size. The check
runs at most every ``catalog_poll_seconds``, on a request (``maybe_reload`` from a
``before_request`` hook) or from the optional daemon thread (``start``). Several workers share
the work through ``CatalogStateRow``: when the store already has this fingerprint's result,
another process imported (or rejected) it and nothing is done. Imports are idempotent, so two
workers racing on the same file do no harm.

Half-written files: the fingerprint is taken before and after reading; if it moved, the file is
being written and the next poll reads it. A broken file is recorded (``ok=False``, ``file:line:
reason``) and the last good import keeps being served; ``status()`` reports it for ``/healthz``.
"""
from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select

from ..store import CatalogStateRow, Store
from . import CATALOG_LANGUAGES, CatalogError, po_path, state_key
from .importer import ImportReport, fingerprint_of, import_catalog

log = logging.getLogger(__name__)


class CatalogWatcher:
    def __init__(self, settings, store: Store, clock=time.monotonic):
        self.store = store
        self.directory = settings.translations_dir
        self.interval = max(0.0, float(settings.catalog_poll_seconds))
        self.clock = clock
        self._lock = threading.Lock()
        self._last_check: float | None = None
        self._seen: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False
        self.last_reports: list[ImportReport] = []

    def maybe_reload(self) -> None:
        """Check the catalogs if the poll interval has passed; never raises, and returns None
        so it can be a ``before_request`` hook as is (what it imported is in ``last_reports``)."""
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
        reports = []
        for lang in CATALOG_LANGUAGES:
            try:
                report = self._check(lang)
                self._failing = False
            except Exception:  # noqa: BLE001 - a store hiccup must not fail the request
                if not self._failing:
                    log.exception("checking the %s catalog failed; will retry", lang)
                self._failing = True
                continue
            if report is not None:
                reports.append(report)
        return reports

    def _check(self, lang: str) -> ImportReport | None:
        path = po_path(self.directory, lang)
        key = state_key(self.directory, path)
        fingerprint = fingerprint_of(path)
        if fingerprint is None or self._seen.get(key) == fingerprint:
            return None
        with self.store.reading() as session:
            row = session.get(CatalogStateRow, key)
            done = row is not None and row.fingerprint == fingerprint
        if done:
            self._seen[key] = fingerprint
            return None
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        if fingerprint_of(path) != fingerprint:
            return None                   # still being written; read it next time
        try:
            report = import_catalog(self.store, self.directory, lang, data=data, fingerprint=fingerprint)
            log.info("catalog reloaded: %s", report.summary())
        except CatalogError as error:
            log.warning("catalog rejected, still serving the last good one: %s", error.first)
            report = None
        self._seen[key] = fingerprint
        return report

    def start(self) -> None:
        """Poll from a daemon thread too, for processes that serve few requests."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="catalog-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(max(self.interval, 0.5)):
            self.maybe_reload()

    def status(self) -> list[dict]:
        """Each catalog's last check, as ``/healthz`` shows it: ok, or the first problem."""
        try:
            with self.store.reading() as session:
                rows = list(session.scalars(select(CatalogStateRow).order_by(CatalogStateRow.path)))
        except Exception:  # noqa: BLE001 - health reports, never raises
            return []
        report = []
        for row in rows:
            details = row.details or {}
            current = fingerprint_of(self.directory / row.path) == row.fingerprint
            report.append({"file": row.path, "lang": row.path.split("/", 1)[0], "ok": bool(row.ok),
                           "error": row.error, "current": current,
                           "checked_at": row.checked_at.isoformat() if row.checked_at else None,
                           "counts": details.get("counts"), "warnings": len(details.get("warnings") or [])})
        return report
