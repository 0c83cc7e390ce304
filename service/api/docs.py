"""``/api/v1/docs``: both OpenAPI documents (this API's and the LibreTranslate face's ``/spec``)
rendered by Swagger UI, served from this process, so the page works offline.

Swagger UI's files come from a PyPI package (``flask-openapi3-swagger``, which vendors the
swagger-ui-dist release) and are served as static files; nothing is loaded from a CDN, and the
online validator badge is switched off.
"""
from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

from flask import Blueprint, render_template, send_from_directory, url_for
from flask.typing import ResponseReturnValue

from .errors import ApiError

api_docs = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js")


def _assets_dir() -> Path:
    """Where the package keeps Swagger UI's files (found without importing the package)."""
    spec = find_spec("flask_openapi3_swagger")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("flask-openapi3-swagger is not installed: run make install")
    return Path(next(iter(spec.submodule_search_locations))) / "templates" / "swagger"


@api_docs.get("/")
def docs() -> ResponseReturnValue:
    specs = [{"name": "Kakehashi API (/api/v1)", "url": url_for("openapi_api.openapi")},
             {"name": "LibreTranslate-compatible API (/spec)", "url": url_for("libretranslate_spec")}]
    return render_template("api_docs.html", specs=specs)


@api_docs.get("/assets/<name>")
def asset(name: str) -> ResponseReturnValue:
    if name not in ASSETS:
        raise ApiError(404, "not_found", f"no such file: {name}")
    folder = _assets_dir() / ("css" if name.endswith(".css") else "js")
    return send_from_directory(folder, name, max_age=24 * 3600)
