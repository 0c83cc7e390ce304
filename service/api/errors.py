"""The API's one error shape, ``{"error": {"code", "message"}}``, for every failure; a 422 adds
``details``, one ``{"field", "code", "message"}`` per problem.

The one place that gives the core's domain errors an HTTP status.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from ..core.errors import AlreadyExists, DomainError, InvalidInput, LimitExceeded, NotFound, PreconditionFailed

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, code: str, message: str, details: list[dict[str, str]] | None = None) -> Response:
    error: dict[str, object] = {"code": code, "message": message}
    if status == 422:       # PRODUCT.md: every 422 lists its problems, at least the one it names
        error["details"] = details or [{"field": "body", "code": code, "message": message}]
    response = jsonify({"error": error})
    response.status_code = status
    return response


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
               411: "length_required", 413: "body_too_large", 414: "uri_too_long", 415: "unsupported_media_type",
               429: "too_many_requests", 431: "headers_too_large"}


_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404), (AlreadyExists, 409), (PreconditionFailed, 412), (LimitExceeded, 413), (InvalidInput, 422))


def domain_error_response(error: DomainError) -> Response:
    """404 not found, 409 exists already, 412 changed since (If-Match), 413 over a limit, 422 breaks
    a rule (else 400)."""
    status = next((status for kind, status in _DOMAIN_STATUS if isinstance(error, kind)), 400)
    return error_response(status, error.code, error.message, getattr(error, "details", None))


def is_api_request() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(error.status, error.code, error.message)

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError) -> Response:
        if not is_api_request():
            raise error         # a face with its own handler (the pages') never gets here
        return domain_error_response(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> HTTPException | Response:
        if not is_api_request():
            return error
        code = _HTTP_CODES.get(error.code or 500, "http_error")
        message = error.description or ""
        if error.code == 413:
            message = "request body is larger than the configured limit (KAKEHASHI_MAX_BODY_BYTES)"
        response = error_response(error.code or 500, code, message)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))  # RFC 9110 asks for it
        for name, value in error.get_headers():
            if name == "Retry-After":                                           # a 429 says when
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if not is_api_request():
            raise error         # Flask logs it once and answers 500 (a page's error is not ours to log)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "the server failed to answer; the error is logged")
