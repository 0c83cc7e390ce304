"""The JSON API's stories and languages: thin routes that parse, call a use case and shape
the answer."""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, Response, jsonify, request, url_for
from flask.typing import ResponseReturnValue

from ..core.config import READING_LANGUAGES, SOURCE_LANGUAGES
from ..http.conditional import respond
from ..http.wiring import services
from ..usecases.documents import Document, Validity
from ..usecases.reading import LocalizedStory
from ..usecases.story_input import story_input
from .answers import cursor_arg, json_document, page_limit, serve_json
from .errors import ApiError
from .requests import json_body, reading_language, require_token

api = Blueprint("api", __name__, url_prefix="/api/v1")


def story_json(view: LocalizedStory) -> dict[str, Any]:
    story = view.story
    return {
        "id": story.id,
        "lang": view.lang,
        "published": story.published.isoformat(),
        "title": view.title.as_json(),
        "points": [item.as_json() for item in view.points],
        "quotes": [item.as_json(with_attribution=True) for item in view.quotes],
        "headings": [item.as_json() for item in view.headings],
        "sources": [{"lang": s.lang, "kind": s.kind, "text": s.text, "attribution": s.attribution,
                     "url": s.url, "date": s.date.isoformat() if s.date else None} for s in story.snippets],
        "coverage": view.coverage,
    }


def _found(story_id: str, lang: str) -> LocalizedStory:
    story = services().reading.story(story_id, lang)
    if story is None:
        raise ApiError(404, "story_not_found", f"no story with id {story_id!r}")
    return story


@api.get("/languages")
def languages() -> ResponseReturnValue:
    reading = services().reading

    def build() -> dict[str, Any]:
        pairs = reading.engines()
        return {"reading": list(READING_LANGUAGES), "sources": list(SOURCE_LANGUAGES),
                "machine_translation": [{"source": src, "target": tgt, "engine": engine, "pivot": ">" in engine}
                                        for (src, tgt), engine in sorted(pairs.items())]}

    return serve_json(("languages",), reading.engines_validity(), build)


@api.get("/stories")
def stories_index() -> ResponseReturnValue:
    lang, cursor, limit = reading_language(), cursor_arg(), page_limit()
    reading = services().reading

    def build() -> dict[str, Any]:
        page = reading.page(lang, cursor, limit)
        extra: dict[str, Any] = {"limit": limit} if "limit" in request.args else {}
        following = (url_for("api.stories_index", lang=lang, cursor=page.next.encode(), **extra)
                     if page.next else None)
        return {"stories": [{"id": card.id, "published": card.published.isoformat(),
                             "title": card.title.localized.as_json()} for card in page.cards],
                "next": following}

    return serve_json(("stories", lang, cursor, limit), reading.page_validity(cursor, limit), build)


def story_document(story_id: str, lang: str, validity: Validity) -> Document:
    return json_document(("story", lang, story_id), validity, lambda: story_json(_found(story_id, lang)))


@api.get("/stories/<story_id>")
def story_detail(story_id: str) -> ResponseReturnValue:
    lang = reading_language()
    validity = services().reading.story_validity(story_id)
    if validity is None:
        raise ApiError(404, "story_not_found", f"no story with id {story_id!r}")
    return respond(story_document(story_id, lang, validity), request)


def still_matches(story_id: str) -> Callable[[], bool] | None:
    """``If-Match`` (RFC 9110 13.1.1) as a check of the story as it is now, or None without one:
    true when a tag sent is the strong ETag of the story's JSON in one of the reading languages
    (``GET /stories/<id>?lang=xx``, whichever the editor read), or is ``*``. Run by the
    replacement under the store's write lock, so "still the version I read" cannot go stale
    between the check and the write."""
    if "If-Match" not in request.headers:
        return None
    sent = request.if_match

    def check() -> bool:
        if sent.star_tag:
            return True
        validity = services().reading.story_validity(story_id)
        return validity is not None and any(
            sent.contains(story_document(story_id, lang, validity).etag) for lang in READING_LANGUAGES)

    return check


def _written(view: LocalizedStory, status: int) -> Response:
    response = jsonify(story_json(view))
    response.status_code = status
    response.headers["Location"] = url_for("api.story_detail", story_id=view.story.id)
    return response


@api.post("/stories")
def stories_create() -> ResponseReturnValue:
    settings = services().settings
    require_token(settings)
    story = story_input(json_body(settings.max_body_bytes), settings)
    return _written(services().stories.create(story), 201)


@api.put("/stories/<story_id>")
def stories_replace(story_id: str) -> ResponseReturnValue:
    settings = services().settings
    require_token(settings)
    story = story_input(json_body(settings.max_body_bytes), settings, path_id=story_id)
    return _written(services().stories.replace(story, still_matches(story_id)), 200)


@api.delete("/stories/<story_id>")
def stories_delete(story_id: str) -> ResponseReturnValue:
    require_token(services().settings)
    services().stories.delete(story_id)
    response = Response(status=204)
    del response.headers["Content-Type"]        # no body, so no body type (RFC 9110 8.3)
    return response
