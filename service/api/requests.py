"""Turning an HTTP request into validated input, or into the right error: 415, 400, 422, 413, 401."""
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


def json_body() -> object:
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as JSON with 'Content-Type: application/json'")
    raw = request.get_data(cache=True)
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON: {error}") from None


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
