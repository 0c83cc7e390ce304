"""Reading an HTTP request: token, language, body as JSON, or the right error: 415, 411, 400, 413, 401.

The story rules themselves are the core's (``service.usecases.story_input``).
"""
from __future__ import annotations

import hmac
import json

from flask import request

from ..core.config import READING_LANGUAGES, Settings
from .errors import ApiError


def require_token(settings: Settings) -> None:
    """Bearer token check in constant time; the token itself is never logged or echoed."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <token>' with a token from KAKEHASHI_API_TOKENS")
    given = token.strip().encode()
    if not any(hmac.compare_digest(given, allowed.encode()) for allowed in settings.api_tokens):
        raise ApiError(401, "unauthorized", "the Bearer token is not one of KAKEHASHI_API_TOKENS")


def reading_language() -> str:
    lang = request.args.get("lang", "en")
    if lang not in READING_LANGUAGES:
        raise ApiError(400, "unsupported_language",
                       f"lang must be one of {', '.join(READING_LANGUAGES)}, got {lang!r}")
    return lang


MAX_JSON_DEPTH = 32   # a story is 4 levels deep (body > snippets > snippet > value)
_READ_CHUNK = 64 * 1024


def read_body(limit: int) -> bytes:
    """The request body, counted as it is read, chunked or not: over ``limit`` bytes is a 413.

    Reads the server's input stream itself rather than ``request.get_data()``: the stream
    Werkzeug wraps around a chunked body stops at the limit, which cut a 278 KB body to a
    valid-looking 256 KB prefix that was then stored.
    """
    too_large = ApiError(413, "body_too_large",
                         f"the request body is over {limit} bytes (KAKEHASHI_MAX_BODY_BYTES); send less")
    length = request.content_length
    if length is not None and length > limit:
        raise too_large
    environ = request.environ
    if length is None and not environ.get("wsgi.input_terminated"):
        raise ApiError(411, "length_required", "send the body with a Content-Length or chunked")
    stream = environ["wsgi.input"]
    budget = limit + 1 if length is None else length  # with a length, never read past it
    chunks, size = [], 0
    while size < budget:
        chunk = stream.read(min(_READ_CHUNK, budget - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise too_large
    return b"".join(chunks)


def _depth(value: object) -> int:
    """Nesting depth of parsed JSON, without recursion (a deep document must not crash us)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
    return deepest


def json_body(limit: int) -> object:
    """The body parsed as JSON: 415 if not JSON, 413 over ``limit`` bytes, 400 if malformed or too deep."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as JSON with 'Content-Type: application/json'")
    raw = read_body(limit)
    too_deep = ApiError(400, "json_too_deep", f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep; "
                                              "a story body needs 4")
    try:
        data = json.loads(raw)
    except RecursionError:
        raise too_deep from None
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {error}") from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise too_deep
    return data
