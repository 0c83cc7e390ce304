"""How the API's routes answer a read: a cached JSON document (or 304), and the list arguments
every list shares (``cursor``, ``limit``)."""
from __future__ import annotations

import json
from typing import Any, Callable

from flask import Response, request

from ..core.cursor import Cursor
from ..core.errors import InvalidInput
from ..http.conditional import respond
from ..http.wiring import services
from ..usecases.documents import Document, Validity
from .errors import ApiError

MAX_LIMIT = 100


def json_document(key: tuple[Any, ...], validity: Validity, build: Callable[[], object]) -> Document:
    """A JSON document from the document cache (built only when its versions changed)."""
    def render() -> tuple[bytes, str]:
        return json.dumps(build(), ensure_ascii=False, separators=(",", ":")).encode("utf-8"), "application/json"

    return services().documents.get_or_build(("api", *key), validity, render)


def serve_json(key: tuple[Any, ...], validity: Validity, build: Callable[[], object]) -> Response:
    return respond(json_document(key, validity, build), request)


def cursor_arg() -> Cursor | None:
    """``?cursor=`` as given in a ``next`` link; any other names no page: 404, as on the pages."""
    raw = request.args.get("cursor")
    try:
        return Cursor.decode(raw) if raw is not None else None
    except InvalidInput as error:
        raise ApiError(404, error.code, error.message) from None


def page_limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return services().reading.page_size
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, "invalid_limit", f"limit must be a whole number from 1 to {MAX_LIMIT}, got {raw!r}")
    return int(raw)
