"""Turning an HTTP request into validated input, or into the right error: 415, 411, 400, 422, 413, 401."""
from __future__ import annotations

import hmac
import json

from flask import request
from pydantic import BaseModel, ValidationError

from ..config import READING_LANGUAGES, Settings
from ..domain import Snippet
from ..stories import StoryInput
from .errors import ApiError
from .schemas import StoryIn


def require_token(settings: Settings) -> None:
    """Bearer token check in constant time; the token itself is never logged or echoed."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <token>' with a token from KAKEHASHI_API_TOKENS")
    token = token.strip().encode()
    if not any(hmac.compare_digest(token, allowed.encode()) for allowed in settings.api_tokens):
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


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    more = len(error.errors()) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def validated(model: type[BaseModel], data: object) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ApiError(422, "invalid_story", _describe(error)) from None


def check_limits(story: StoryIn, settings: Settings) -> None:
    if len(story.snippets) > settings.max_snippets:
        raise ApiError(413, "too_many_snippets",
                       f"a story may have at most {settings.max_snippets} snippets (KAKEHASHI_MAX_SNIPPETS), "
                       f"got {len(story.snippets)}")
    for index, snippet in enumerate(story.snippets):
        if len(snippet.text) > settings.max_snippet_chars:
            raise ApiError(413, "snippet_too_long",
                           f"snippets.{index}.text has {len(snippet.text)} characters; the limit is "
                           f"{settings.max_snippet_chars} (KAKEHASHI_MAX_SNIPPET_CHARS)")
    if story.title and len(story.title) > settings.max_title_chars:
        raise ApiError(413, "title_too_long",
                       f"title has {len(story.title)} characters; the limit is {settings.max_title_chars}")


def story_input(data: object, settings: Settings, path_id: str | None = None) -> StoryInput:
    """Validate a story body; with ``path_id`` (PUT) the body's id must match the URL's."""
    if path_id is not None and isinstance(data, dict):
        data = {"id": path_id, **data}
    story = validated(StoryIn, data)
    if path_id is not None and story.id != path_id:
        raise ApiError(422, "id_mismatch", f"the body's id {story.id!r} differs from the URL's {path_id!r}")
    check_limits(story, settings)
    return StoryInput(id=story.id, published=story.published, title=story.title,
                      snippets=[Snippet(lang=s.lang, kind=s.kind, text=s.text, attribution=s.attribution,
                                        url=s.url, date=s.date) for s in story.snippets])
