"""The JSON API: its blueprints (stories, coverage, search, OpenAPI, docs) and its one error handling."""
from __future__ import annotations

from flask import Flask

from .coverage import coverage_api
from .docs import api_docs
from .errors import register_error_handlers
from .health import api_health, health_api
from .openapi import openapi_api
from .search import search_api
from .stories import api


def register_api(app: Flask) -> None:
    app.register_blueprint(api)
    app.register_blueprint(health_api)
    app.register_blueprint(coverage_api)
    app.register_blueprint(search_api)
    app.register_blueprint(openapi_api)
    app.register_blueprint(api_docs)
    register_error_handlers(app)
    app.add_url_rule("/healthz", "healthz", api_health)  # also at the root, where probes look
