"""The JSON API: thin routes that parse, call a service function and shape the answer."""
from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from ..config import READING_LANGUAGES, SOURCE_LANGUAGES
from ..reading import LocalizedStory, localize_stories, localize_story
from ..stories import StoryError, StoryExists, create_story, delete_story, get_story, replace_story
from ..store.queries import list_stories
from ..wiring import services
from .errors import ApiError, error_response
from .health import health_report
from .requests import json_body, reading_language, require_token, story_input

api = Blueprint("api", __name__, url_prefix="/api/v1")


def story_json(view: LocalizedStory) -> dict:
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
    story = get_story(services().store, story_id)
    if story is None:
        raise ApiError(404, "story_not_found", f"no story with id {story_id!r}")
    return localize_story(story, lang, services().resolver)


@api.get("/languages")
def languages():
    pairs = services().translators.engines()
    return jsonify({
        "reading": list(READING_LANGUAGES),
        "sources": list(SOURCE_LANGUAGES),
        "machine_translation": [{"source": src, "target": tgt, "engine": engine, "pivot": ">" in engine}
                                for (src, tgt), engine in sorted(pairs.items())],
    })


@api.get("/stories")
def stories_index():
    lang = reading_language()
    with services().store.reading() as session:
        stories = list_stories(session)
    views = localize_stories(stories, lang, services().resolver)
    return jsonify({"stories": [{"id": v.story.id, "published": v.story.published.isoformat(),
                                 "title": v.title.localized.as_json()} for v in views]})


@api.get("/stories/<story_id>")
def story_detail(story_id: str):
    return jsonify(story_json(_found(story_id, reading_language())))


def _written(story_id: str, status: int):
    services().jobs.translate([story_id])       # after commit; never waits, never fails the write
    response = jsonify(story_json(_found(story_id, "en")))
    response.status_code = status
    response.headers["Location"] = url_for("api.story_detail", story_id=story_id)
    return response


@api.post("/stories")
def stories_create():
    settings = services().settings
    require_token(settings)
    story = story_input(json_body(), settings)
    create_story(services().store, story)
    return _written(story.id, 201)


@api.put("/stories/<story_id>")
def stories_replace(story_id: str):
    settings = services().settings
    require_token(settings)
    story = story_input(json_body(), settings, path_id=story_id)
    replace_story(services().store, story)
    return _written(story.id, 200)


@api.delete("/stories/<story_id>")
def stories_delete(story_id: str):
    require_token(services().settings)
    delete_story(services().store, story_id)
    return "", 204


@api.errorhandler(StoryError)
def _story_error(error: StoryError):
    """A write that cannot be done: 409 for an id that exists, 404 for one that does not."""
    status = 409 if isinstance(error, StoryExists) else 404
    return error_response(status, error.code, str(error))


@api.get("/healthz")
def api_health():
    report, status = health_report()
    return jsonify(report), status


@api.get("/openapi.json")
def openapi():
    from .openapi import openapi_document

    return jsonify(openapi_document())
