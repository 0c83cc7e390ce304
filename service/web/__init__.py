"""Server-rendered reader pages and their localization."""
from __future__ import annotations

from flask import Flask, request

from ..api.errors import error_response, is_api_request
from .i18n import register_i18n
from .pages import not_found_page, pages


def register_pages(app: Flask) -> None:
    from .coverage import coverage_pages

    settings = app.config["KAKEHASHI"]
    app.extensions["kakehashi_ui"] = register_i18n(app, settings.translations_dir, settings.catalog_poll_seconds)
    app.register_blueprint(pages)
    app.register_blueprint(coverage_pages)
    app.register_error_handler(404, _not_found)


def _not_found(error):
    """JSON for API paths, a localized page for everything else."""
    if is_api_request():
        return error_response(404, "not_found", f"no such endpoint: {request.path}")
    return not_found_page(error)
