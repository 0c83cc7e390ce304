"""The JSON API blueprints and their error handling."""
from __future__ import annotations

from flask import Flask

from .coverage import coverage_api
from .docs import api_docs
from .errors import register_error_handlers
from .routes import api, api_health
from .search import search_api


def register_api(app: Flask) -> None:
    app.register_blueprint(api)
    app.register_blueprint(coverage_api)
    app.register_blueprint(search_api)
    app.register_blueprint(api_docs)
    register_error_handlers(app)
    app.add_url_rule("/healthz", "healthz", api_health)  # also at the root, where probes look
