"""Live reload: each worker process notices a changed ``content.po`` and imports it.

A file's fingerprint is its mtime (ns), size and inode; an atomic save (temp file + rename, as
``export`` and most editors do) changes the inode, an in-place save the mtime/size. The check
runs at most every ``catalog_poll_seconds``, on a request (``maybe_reload`` from a
``before_request`` hook). Several workers share the work through ``CatalogStateRow``: when the
store already has this fingerprint's result, another process imported (or rejected) it and
nothing is done. Imports are idempotent and write by upsert, so two workers racing on the same
file do no harm.

Half-written files: a file is only read once it has settled, its mtime at least
``settle_seconds`` old (``catalog_settle_seconds``, default 1 s): an editor that writes in
place and pauses mid-write leaves a file that can be cut at a line boundary and still parse,
and only its age tells. (A file whose mtime is in the future, a clock that disagrees with the
file system's, settles once this watcher has seen it unchanged for ``settle_seconds``.) The
fingerprint is also taken before and after reading; if it moved, the next poll reads it. A
broken file is recorded (``ok=False``, ``file:line: reason`` with the file relative to the
catalogs folder) and the last good import keeps being served; ``status()`` reports it for
``/healthz``.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from sqlalchemy import select

from ..store import CatalogStateRow, Store
from . import CATALOG_LANGUAGES, CatalogError, po_path, state_key
from .importer import ImportReport, fingerprint_of, import_catalog

log = logging.getLogger(__name__)


class CatalogWatcher:
    def __init__(self, settings, store: Store, clock=time.monotonic, settle_seconds: float | None = None,
                 wall_clock=time.time):
        """``settle_seconds`` defaults to ``settings.catalog_settle_seconds``, else 1 s;
        ``clock`` paces the polls, ``wall_clock`` is what file mtimes are compared with."""
        self.store = store
        self.directory = settings.translations_dir
        self.interval = max(0.0, float(settings.catalog_poll_seconds))
        if settle_seconds is None:
            settle_seconds = getattr(settings, "catalog_settle_seconds", 1.0)
        self.settle = max(0.0, float(settle_seconds))
        self.clock = clock
        self.wall_clock = wall_clock
        self._lock = threading.Lock()
        self._last_check: float | None = None
        self._seen: dict[str, str] = {}
        self._unsettled: dict[str, tuple[str, float]] = {}     # key -> (fingerprint, first seen)
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
        if not self._settled(key, fingerprint):
            return None                   # maybe still being written; look again next poll
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
        return now - first[1] >= self.settle

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
            report.append({"file": self._relative(row.path), "lang": row.path.split("/", 1)[0], "ok": bool(row.ok),
                           "error": self._relative(row.error), "current": current,
                           "checked_at": row.checked_at.isoformat() if row.checked_at else None,
                           "counts": details.get("counts"), "warnings": len(details.get("warnings") or [])})
        return report

    def _relative(self, text: str | None) -> str | None:
        """Never an absolute path on ``/healthz``: states are recorded relative to the catalogs
        folder, and one recorded before that (or by a process with another path to the same
        folder) is shown relative too."""
        if not text:
            return text
        for folder in {str(self.directory), str(Path(self.directory).resolve())}:
            prefix = folder.rstrip("/") + "/"
            if text.startswith(prefix):
                return text[len(prefix):]
        return text
