"""Which face answers an error that no view of its own raised: the API's JSON on its paths,
LibreTranslate's ``{"error": "<string>"}`` on the LibreTranslate paths, a page elsewhere.

Flask keeps one handler per error code for the app, and no face may import another, so the app
factory's neighbour decides (microblog's ``wants_json_response``). Here too: the request-line
limit per face. gunicorn refuses only request lines over its backstop (``gunicorn.conf.py``);
below that the app refuses a line over the face's own limit, so the 414 takes the face's shape:
4094 bytes for pages and the API (gunicorn's default), ``Settings.mt_request_line_bytes`` for
the LibreTranslate face, whose clients (deep-translator) put the text in the query string.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Flask, Response, current_app, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, RequestURITooLarge

from .api.errors import error_response, is_api_request
from .libretranslate import routes as libretranslate
from .web.errors import not_found_page

REQUEST_LINE_BYTES = 4094      # pages and the API: gunicorn's default


def not_found(error: HTTPException) -> Response:
    if is_api_request():
        return error_response(404, "not_found", f"no such endpoint: {request.path}")
    return not_found_page(error)


def method_not_allowed(error: HTTPException) -> ResponseReturnValue:
    if libretranslate.is_libretranslate_request():
        return libretranslate.error_response(error)
    if is_api_request():
        response = error_response(405, "method_not_allowed", error.description or "")
        response.headers.update({k: v for k, v in error.get_headers() if k == "Allow"})
        return response
    return error


def request_line_bytes() -> int:
    """Bytes of the request line as the client sent it (gunicorn's RAW_URI; rebuilt when a server
    gives the path alone)."""
    uri = request.environ.get("RAW_URI") or quote(request.path)
    if request.query_string and "?" not in uri:
        uri = f"{uri}?{request.query_string.decode('latin-1')}"
    return len(request.method) + len(uri.encode("latin-1", "replace")) + len(" HTTP/1.1") + 1


def check_request_line() -> None:
    libretranslate_face = libretranslate.is_libretranslate_request()
    limit = current_app.config["KAKEHASHI"].mt_request_line_bytes if libretranslate_face else REQUEST_LINE_BYTES
    if request_line_bytes() > limit:
        if libretranslate_face:
            raise RequestURITooLarge(f"Invalid request: the request line is over {limit} bytes; "
                                     "send the text in a POST body")
        raise RequestURITooLarge(f"the request line (method, URL and version) is over {limit} bytes; "
                                 "shorten the URL")


def register_not_found(app: Flask) -> None:
    app.register_error_handler(404, not_found)
    app.register_error_handler(405, method_not_allowed)
    app.before_request(check_request_line)
