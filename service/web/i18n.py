"""UI translations: Flask-Babel set-up, and reloading compiled catalogs without a restart.

Flask-Babel caches loaded catalogs per process; when a ``messages.mo`` changes on disk we drop
that cache (checked at most every few seconds), so ``kakehashi i18n compile`` shows up live.
"""
from __future__ import annotations

import time
from pathlib import Path

from flask import Flask
from flask_babel import Babel, format_date, format_decimal

from .locale import page_language


class UiCatalogReloader:
    def __init__(self, babel: Babel, directory: Path, interval: float):
        self.babel, self.directory, self.interval = babel, directory, interval
        self._fingerprint = self._current()
        self._checked = time.monotonic()

    def _current(self) -> tuple:
        files = sorted(self.directory.glob("*/LC_MESSAGES/messages.mo"))
        return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.exists())

    def maybe_reload(self) -> None:
        now = time.monotonic()
        if now - self._checked < self.interval:
            return
        self._checked = now
        fingerprint = self._current()
        if fingerprint != self._fingerprint:
            self._fingerprint = fingerprint
            self.babel.domain_instance.cache.clear()


def register_i18n(app: Flask, translations_dir: Path, interval: float) -> UiCatalogReloader:
    babel = Babel(app, locale_selector=page_language, default_translation_directories=str(translations_dir))
    app.jinja_env.filters["local_date"] = lambda value, fmt="long": format_date(value, fmt) if value else ""
    app.jinja_env.filters["local_number"] = format_decimal
    reloader = UiCatalogReloader(babel, translations_dir, interval)
    app.before_request(reloader.maybe_reload)
    return reloader
