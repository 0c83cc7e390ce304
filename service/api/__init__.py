"""The JSON API blueprints and their error handling."""
from __future__ import annotations

from flask import Flask, jsonify

from .errors import register_error_handlers
from .health import health_report
from .routes import api


def register_api(app: Flask) -> None:
    from .coverage import coverage_api

    app.register_blueprint(api)
    app.register_blueprint(coverage_api)
    register_error_handlers(app, api)
    app.add_url_rule("/healthz", "healthz", _healthz)


def _healthz():
    report, status = health_report()
    return jsonify(report), status
