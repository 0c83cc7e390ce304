"""Server-rendered reader pages and their localization."""
from __future__ import annotations

from flask import Flask

from .i18n import register_i18n
from .pages import pages
from .text import register_text_filters
from .translate_status import coverage_pages


def register_pages(app: Flask) -> None:
    settings = app.config["KAKEHASHI"]
    app.extensions["kakehashi_ui"] = register_i18n(app, settings.translations_dir, settings.catalog_poll_seconds)
    register_text_filters(app)
    app.register_blueprint(pages)
    app.register_blueprint(coverage_pages)
