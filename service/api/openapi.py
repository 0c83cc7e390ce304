"""``/api/v1/openapi.json``, generated from the pydantic models that validate requests.

Paths are described here once; schemas come from ``schemas.py`` so they cannot drift from
what the API accepts and returns.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response
from flask.typing import ResponseReturnValue
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from ..core.config import READING_LANGUAGES
from . import schemas
from .coverage import OPENAPI_MODELS as coverage_models
from .coverage import OPENAPI_PATHS as coverage_paths
from .search import OPENAPI_MODELS as search_models
from .search import OPENAPI_PATHS as search_paths

openapi_api = Blueprint("openapi_api", __name__, url_prefix="/api/v1")
REF = "#/components/schemas/{model}"
_MODELS: list[tuple[type[BaseModel], JsonSchemaMode]] = [
    (schemas.StoryIn, "validation"), (schemas.StoryReplaceIn, "validation"), (schemas.StoryOut, "serialization"),
    (schemas.StoryListOut, "serialization"), (schemas.LanguagesOut, "serialization"),
    (schemas.ErrorOut, "serialization"), (schemas.ValidationErrorOut, "serialization")]


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": REF.format(model=name)}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


def _errors(*statuses: int) -> dict[str, Any]:
    return {str(status): _json("ValidationErrorOut", "the body breaks a rule: error.details lists each problem")
            if status == 422 else _json("ErrorOut", "error, see error.code") for status in statuses}


LANG_PARAM = {"name": "lang", "in": "query", "required": False,
              "schema": {"type": "string", "enum": list(READING_LANGUAGES), "default": "en"},
              "description": "reading language"}
PAGE_PARAMS = [{"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
                "description": "where the page starts: take it from the previous page's `next`"},
               {"name": "limit", "in": "query", "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                "description": "stories per page"}]
ID_PARAM = {"name": "story_id", "in": "path", "required": True,
            "schema": {"type": "string", "pattern": schemas.SLUG_PATTERN}}
IF_MATCH = {"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"},
            "description": "the `ETag` of the story as you read it (`GET /api/v1/stories/{story_id}?lang=…`, "
                           "any reading language), or `*`: replace only if the story has not changed since"}
PUT_DESCRIPTION = (
    "Optimistic concurrency: send `If-Match` with the `ETag` of the story's JSON as you read it (from "
    "`GET /api/v1/stories/{story_id}` in any reading language). If the story changed since (another "
    "editor's PUT, a translation or a translator's import that changed that document), the answer is "
    "`412` with `error.code` `story_changed` and nothing is written: GET it again and apply your "
    "change to what it is now. The check and the write are one step, so two editors sending the "
    "same ETag never both succeed. Without `If-Match` the PUT replaces whatever is there.")
BEARER: list[dict[str, list[str]]] = [{"bearer": []}]
CREATE_BODY = {"required": True, "content": {"application/json": {"schema": _ref("StoryIn")}}}
REPLACE_BODY = {"required": True, "content": {"application/json": {"schema": _ref("StoryReplaceIn")}}}

HEALTH_DESCRIPTION = (
    "Always small (under 4 KB), whatever the catalog files hold. Without a token: `status` (`ok`, `degraded` "
    "when a translators' catalog is broken, a job failed for good, or stories owed a translation have had no job "
    "for longer than a sweep period (`queue.owed`), `unavailable`), the store, the installed translation pairs and "
    "`catalogs: {ok, broken}` counts only; no file names, no messages. With `Authorization: Bearer <token>` "
    "(a token from KAKEHASHI_API_TOKENS) `catalogs.files` adds each catalog's details: file (relative to the "
    "catalogs folder), `ok`, `error` (the first problem as a short `file:line: reason`, never the file's "
    "content), counts. A wrong token is a 401.")
HEALTH = {"get": {"summary": "What is loaded: store, models, catalogs", "description": HEALTH_DESCRIPTION,
                  "security": [{}, {"bearer": []}],
                  "responses": {"200": {"description": "healthy or degraded"},
                                "401": _json("ErrorOut", "a token was sent and it is not one of KAKEHASHI_API_TOKENS"),
                                "503": {"description": "store unreachable or not initialized"}}}}

PATHS = {
    "/api/v1/languages": {"get": {"summary": "Reading languages and installed machine-translation pairs",
                                  "responses": {"200": _json("LanguagesOut", "languages")}}},
    "/api/v1/stories": {
        "get": {"summary": "Stories, newest first, with localized titles, a page at a time",
                "parameters": [LANG_PARAM, *PAGE_PARAMS],
                "responses": {"200": _json("StoryListOut", "stories"), **_errors(400, 404)}},
        "post": {"summary": "Create a story; it is summarized and queued for translation", "security": BEARER,
                 "requestBody": CREATE_BODY,
                 "responses": {"201": _json("StoryOut", "created story (in en)"),
                               **_errors(400, 401, 409, 411, 413, 415, 422)}},
    },
    "/api/v1/stories/{story_id}": {
        "get": {"summary": "One story's localized summary", "parameters": [ID_PARAM, LANG_PARAM],
                "responses": {"200": _json("StoryOut", "story"), **_errors(400, 404)}},
        "put": {"summary": "Replace a story (re-summarized; changed texts lose their translations)",
                "description": PUT_DESCRIPTION, "parameters": [ID_PARAM, IF_MATCH], "security": BEARER,
                "requestBody": REPLACE_BODY,
                "responses": {"200": _json("StoryOut", "replaced story (in en)"),
                              "412": _json("ErrorOut", "`story_changed`: the story changed since the version "
                                                       "named in If-Match; nothing was written"),
                              **_errors(400, 401, 404, 411, 413, 415, 422)}},
        "delete": {"summary": "Delete a story", "parameters": [ID_PARAM], "security": BEARER,
                   "responses": {"204": {"description": "deleted"}, **_errors(401, 404)}},
    },
    "/api/v1/healthz": HEALTH,
    "/healthz": HEALTH,
    "/api/v1/docs/": {"get": {"summary": "This description and /spec's, rendered by Swagger UI (served locally)",
                              "responses": {"200": {"description": "HTML page",
                                                    "content": {"text/html": {"schema": {"type": "string"}}}}}}},
    "/api/v1/docs/assets/{name}": {"get": {
        "summary": "Swagger UI's files for the docs page", "parameters": [
            {"name": "name", "in": "path", "required": True,
             "schema": {"type": "string", "enum": ["swagger-ui.css", "swagger-ui-bundle.js",
                                                   "swagger-ui-standalone-preset.js"]}}],
        "responses": {"200": {"description": "the file", "content": {"text/css": {"schema": {"type": "string"}},
                                                                    "text/javascript": {"schema": {"type": "string"}}}},
                      **_errors(404)}}},
    "/api/v1/openapi.json": {"get": {"summary": "This description",
                                     "responses": {"200": {"description": "OpenAPI 3.1 document"}}}},
}


def _any_may_be_too_long(paths: dict[str, Any]) -> dict[str, Any]:
    """Every operation may be answered 414, whatever its parameters allow: a request line (method,
    URL and version) over 4094 bytes is refused before any view (``service/faces.py``)."""
    too_long = _json("ErrorOut", "the request line is over 4094 bytes: shorten the URL")
    return {path: {method: {**operation, "responses": {**operation["responses"], "414": too_long}}
                   for method, operation in item.items()} for path, item in paths.items()}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    models = _MODELS + [(model, "serialization") for model in coverage_models + search_models]
    _, definitions = models_json_schema(models, ref_template=REF)
    paths = _any_may_be_too_long({**PATHS, **coverage_paths, **search_paths})
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kakehashi API", "version": "1",
                 "description": "Verifiable news summaries from English and Japanese sources, localized in "
                                "en, ko and ja. Every localized field says whether it is a human translation, "
                                "a machine translation (and by which engine) or the source text."},
        "paths": paths,
        "components": {"schemas": definitions.get("$defs", {}),
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


@lru_cache(maxsize=1)
def openapi_json() -> bytes:
    """The document as served: UTF-8 JSON with every character as itself."""
    return json.dumps(openapi_document(), ensure_ascii=False, indent=1).encode("utf-8")


@openapi_api.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """Raw UTF-8, not ``\\ud804``-style escapes: YAML loaders (openapi-spec-validator's) refuse
    escaped surrogate pairs, and the text rule's pattern holds characters beyond the BMP."""
    return Response(openapi_json(), mimetype="application/json")
