"""UI translations: Flask-Babel set-up, and UI catalogs loaded outside of requests.

Flask-Babel would read a ``messages.mo`` lazily inside the first request that needs it and
keep it until restart. Here every language's catalog is loaded when the app is built, and a
background thread of each serving process reloads them when a file changes (``kakehashi
i18n compile``), swapping the whole set at once. ``version`` names what is loaded, so cached
pages built with other UI text are not served again.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import Any

from babel import support
from flask import Flask
from flask_babel import Babel, format_date, format_decimal

from ..core.config import READING_LANGUAGES
from .locale import page_language

log = logging.getLogger(__name__)
DOMAIN = "messages"


class UiCatalogs:
    def __init__(self, app: Flask, babel: Babel, directory: Path, interval: float):
        self.app, self.babel, self.directory, self.interval = app, babel, Path(directory), interval
        self.fingerprint: tuple[Any, ...] = ()
        self.generation = 0
        self.modified = 0.0
        self._started = False
        self._lock = threading.Lock()
        self.reload()

    @property
    def version(self) -> tuple[Any, ...]:
        return self.fingerprint

    def _files(self) -> list[Path]:
        return [self.directory / lang / "LC_MESSAGES" / f"{DOMAIN}.mo" for lang in READING_LANGUAGES]

    def _current(self) -> tuple[Any, ...]:
        found = []
        for path in self._files():
            try:
                stat = os.stat(path)
            except OSError:
                continue
            found.append((path.parent.parent.name, stat.st_mtime_ns, stat.st_size, stat.st_ino))
        return tuple(found)

    def reload(self) -> bool:
        """Load every language's catalog if the files changed; True when something was loaded."""
        fingerprint = self._current()
        if fingerprint == self.fingerprint:
            return False
        loaded = {(lang, DOMAIN): support.Translations.load(str(self.directory), [lang], DOMAIN)
                  for lang in READING_LANGUAGES}
        with self.app.app_context():
            self.babel.domain_instance.cache = loaded      # one swap: never half old, half new
        self.fingerprint = fingerprint
        self.modified = max((mtime / 1e9 for _, mtime, _, _ in fingerprint), default=0.0)
        log.info("UI catalogs loaded from %s", self.directory)
        return True

    def follow(self, generation: int) -> None:
        """Reload now if ``kakehashi i18n compile`` announced new catalogs through the store
        since the last load: once a compile has returned, no page anywhere shows the old text.
        (Once per compile and process; the poller covers catalogs compiled by other means.)"""
        if generation == self.generation:
            return
        with self._lock:
            if generation != self.generation:
                self.reload()
                self.generation = generation

    def start(self) -> None:
        """Poll for compiled catalogs in the background (once per process; not in CLI runs)."""
        if self._started:
            return
        with self._lock:
            if self._started or self.interval <= 0:
                return
            self._started = True
        threading.Thread(target=self._poll, name="kakehashi-ui-catalogs", daemon=True).start()

    def _poll(self) -> None:
        while True:
            time.sleep(self.interval)
            try:
                self.reload()
            except Exception:  # a bad file must not kill the poller; logged
                log.exception("reloading the UI catalogs failed; the loaded ones stay in use")


def register_i18n(app: Flask, translations_dir: Path, interval: float) -> UiCatalogs:
    babel = Babel(app, locale_selector=page_language, default_translation_directories=str(translations_dir))
    app.jinja_env.filters["local_date"] = lambda value, fmt="long": format_date(value, fmt) if value else ""
    app.jinja_env.filters["local_number"] = format_decimal
    catalogs = UiCatalogs(app, babel, translations_dir, interval)
    app.before_request(catalogs.start)      # starts the poller at the first request, reads nothing
    return catalogs
