"""Which face answers a 404 that no view raised: the API's JSON on its paths, a page elsewhere.

Flask keeps one 404 handler per app, and neither face may import the other, so the app
factory's neighbour decides (microblog's ``wants_json_response``).
"""
from __future__ import annotations

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from .api.errors import error_response, is_api_request
from .web.errors import not_found_page


def not_found(error: HTTPException) -> Response:
    if is_api_request():
        return error_response(404, "not_found", f"no such endpoint: {request.path}")
    return not_found_page(error)


def register_not_found(app: Flask) -> None:
    app.register_error_handler(404, not_found)
