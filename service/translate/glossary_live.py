"""The glossary in force: read from the store by every process, put there by the worker's watcher.

The file (``translations/glossary.tbx``) is read like the catalogs: by ``kakehashi worker``, in
a thread of its own, off the request path. ``GlossaryWatcher`` looks at the file's ``lstat``
every ``catalog_poll_seconds``; once a changed file has settled (mtime ``catalog_settle_seconds``
old) it is parsed (``glossary_file``) and, if good, stored in one transaction that also moves
the site generation. The stories with a field holding a changed term are then enqueued, and
their fill re-translates exactly the texts whose glossary entries changed (``fill``; every
other sentence comes from the memory, ``memory``). A refused file is logged and recorded as a
short ``file:line: reason`` (no file content), and the glossary in force stays. A removed file
leaves the glossary in force too (write an empty TBX to have none). Several workers share the
work: a file fingerprint the store has already checked is not read again.

``current_glossary(store)`` is what translating code calls: one cheap query for the stored
fingerprint, and the parsed glossary is kept per store until that moves.
"""
from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..core.config import Settings
from ..store import Store
from ..store.catalogs import mark_stories_stale
from ..store.glossary import (
    glossary_check,
    glossary_fingerprint,
    record_refusal,
    save_glossary,
    stored_glossary,
    stories_with_text,
)
from .glossary import EMPTY, LANGUAGES, Glossary
from .glossary_file import GLOSSARY_FILE, GlossaryError, read_glossary_file

log = logging.getLogger(__name__)
MIN_POLL_SECONDS = 0.2

_cache: weakref.WeakKeyDictionary[Store, tuple[str, Glossary]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def current_glossary(store: Store) -> Glossary:
    """The glossary in force (empty when none was ever loaded)."""
    with store.reading() as session:
        fingerprint = glossary_fingerprint(session)
        if not fingerprint:
            return EMPTY
        with _cache_lock:
            cached = _cache.get(store)
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        stored = stored_glossary(session)
    if stored is None:
        return EMPTY
    glossary = Glossary.from_data(stored[1])
    with _cache_lock:
        _cache[store] = (stored[0], glossary)
    return glossary


def changed_source_terms(old: Glossary, new: Glossary, source: str) -> set[str]:
    """The source terms in ``source`` whose target term changed for some target (added and
    removed terms included)."""
    changed: set[str] = set()
    for target in LANGUAGES:
        if target == source:
            continue
        before, after = old.pair(source, target).rules, new.pair(source, target).rules
        changed.update(term for term in set(before) | set(after) if before.get(term) != after.get(term))
    return changed


def put_in_force(store: Store, glossary: Glossary, file_fingerprint: str | None = None) -> set[str]:
    """Store ``glossary`` as the one in force; returns the ids of the stories to translate again
    (a field holds a term that changed). Their catalog files are marked for the next export too,
    since their ``#. glossary:`` comments change. Nothing changes when its terms are the same."""
    with store.transaction() as session:
        stored = stored_glossary(session)
        old = Glossary.from_data(stored[1]) if stored is not None and stored[0] else EMPTY
        if not save_glossary(session, glossary.fingerprint, glossary.to_data(), file_fingerprint):
            return set()
        stories: set[str] = set()
        for source in LANGUAGES:
            needles = changed_source_terms(old, glossary, source)
            if needles:
                stories |= stories_with_text(session, source, needles)
        mark_stories_stale(session, stories)
    log.info("glossary in force: %d concepts; %d stories to translate again", len(glossary.concepts), len(stories))
    return stories


def glossary_path(settings: Settings) -> Path:
    return Path(settings.translations_dir) / GLOSSARY_FILE


def file_fingerprint(path: Path) -> str | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}"


@dataclass
class LoadResult:
    concepts: int
    stories: list[str]          # enqueued for translation again


def load_glossary(settings: Settings, store: Store, enqueue: Callable[[list[str]], Any] | None = None) -> LoadResult:
    """Read the glossary file now and put it in force (``kakehashi init``, ``glossary import``);
    raises ``GlossaryError`` (recorded, the glossary in force stays) for a refused file."""
    path = glossary_path(settings)
    fingerprint = file_fingerprint(path)
    try:
        glossary = read_glossary_file(path, settings.max_glossary_bytes, name=GLOSSARY_FILE)
    except GlossaryError as error:
        with store.transaction() as session:
            record_refusal(session, fingerprint, error.message)
        raise
    stories = sorted(put_in_force(store, glossary, fingerprint))
    if stories and enqueue is not None:
        enqueue(stories)
    return LoadResult(len(glossary.concepts), stories)


def glossary_status(store: Store) -> dict[str, Any]:
    """For ``/healthz``: is the file good, and how many concepts are in force. ``error`` is a
    short ``file:line: reason`` that never quotes the file."""
    with store.reading() as session:
        check = glossary_check(session)
    if check is None:
        return {"ok": True, "concepts": 0, "error": None}
    return {"ok": check["error"] is None, "concepts": check["concepts"], "error": check["error"]}


class GlossaryWatcher:
    """Polls the glossary file in a daemon thread of the worker (see the module docstring)."""

    def __init__(self, settings: Settings, store: Store, enqueue: Callable[[list[str]], Any],
                 wall_clock: Callable[[], float] = time.time):
        self.settings = settings
        self.store = store
        self.enqueue = enqueue
        self.path = glossary_path(settings)
        self.interval = max(MIN_POLL_SECONDS, float(settings.catalog_poll_seconds))
        self.settle = max(0.0, float(settings.catalog_settle_seconds))
        self.wall_clock = wall_clock
        self._seen: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._failing = False

    def check_now(self) -> LoadResult | None:
        """Load the file if it changed and settled; never raises (a store hiccup is retried)."""
        try:
            return self._check()
        except Exception:  # the store is down or not initialized: the next poll retries
            if not self._failing:
                log.warning("checking the glossary failed; will retry", exc_info=True)
            self._failing = True
            return None

    def _check(self) -> LoadResult | None:
        fingerprint = file_fingerprint(self.path)
        if fingerprint is None or fingerprint == self._seen:
            return None
        if not self.store.is_initialized():
            return None
        mtime = int(fingerprint.split(":", 1)[0]) / 1e9
        if self.wall_clock() - mtime < self.settle:
            return None                   # maybe still being written; look again next poll
        with self.store.reading() as session:
            check = glossary_check(session)
        self._failing = False
        if check is not None and check["file_fingerprint"] == fingerprint:
            self._seen = fingerprint       # another worker (or the CLI) checked this very file
            return None
        try:
            result = load_glossary(self.settings, self.store, self.enqueue)
        except GlossaryError as error:
            log.warning("glossary refused, the one in force stays: %s", error.message)
            result = None
        self._seen = fingerprint
        return result

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="kakehashi-glossary-watcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 5) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            self.check_now()
            if self._stop.wait(self.interval):
                return
