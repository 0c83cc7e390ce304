"""``GET /api/v1/coverage``: translation coverage per language and per story, as JSON.

The numbers are ``catalog stats``' and ``/<lang>/translate``'s (one function computes them,
``service.catalogs.stats.coverage_report``); ``OPENAPI_PATHS`` describes the path for
``/api/v1/openapi.json``.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..catalogs.stats import coverage_report
from ..config import READING_LANGUAGES
from ..wiring import services
from .errors import ApiError

coverage_api = Blueprint("coverage_api", __name__, url_prefix="/api/v1")


@coverage_api.get("/coverage")
def coverage():
    lang = request.args.get("lang")
    if lang is not None and lang not in READING_LANGUAGES:
        raise ApiError(400, "unsupported_language",
                       f"lang must be one of {', '.join(READING_LANGUAGES)}, got {lang!r}")
    svc = services()
    report = coverage_report(svc.store, svc.resolver, svc.settings.translations_dir,
                             [lang] if lang else READING_LANGUAGES, title_lang=lang)
    return jsonify(report)


_COUNTS = {
    "type": "object",
    "description": "Per field: human + machine + source == fields. native: fields already written in this "
                   "language (counted in source). fuzzy: fields not served as human whose catalog entry is "
                   "fuzzy (a machine suggestion or a changed source waiting for review).",
    "required": ["fields", "native", "human", "machine", "source", "fuzzy"],
    "properties": {name: {"type": "integer", "minimum": 0}
                   for name in ("fields", "native", "human", "machine", "source", "fuzzy")},
}
_TOTALS = {**_COUNTS, "required": _COUNTS["required"] + ["catalog"],
           "properties": {**_COUNTS["properties"],
                          "catalog": {"type": "string", "enum": ["ok", "missing", "broken"],
                                      "description": "state of translations/<lang>/LC_MESSAGES/content.po"}}}
_LANG_KEYS = {"type": "object", "propertyNames": {"enum": list(READING_LANGUAGES)}}

OPENAPI_PATHS = {
    "/api/v1/coverage": {"get": {
        "summary": "Translation coverage per language and per story (human, machine, source, fuzzy)",
        "parameters": [{"name": "lang", "in": "query", "required": False,
                        "schema": {"type": "string", "enum": list(READING_LANGUAGES)},
                        "description": "only this reading language (default: all); also adds each story's "
                                       "localized title"}],
        "responses": {
            "200": {"description": "coverage", "content": {"application/json": {"schema": {
                "type": "object", "required": ["languages", "stories"],
                "properties": {
                    "languages": {**_LANG_KEYS, "additionalProperties": _TOTALS},
                    "stories": {"type": "array", "items": {
                        "type": "object", "required": ["id", "published", "languages"],
                        "properties": {
                            "id": {"type": "string"},
                            "published": {"type": "string", "format": "date"},
                            "title": {"type": "object", "nullable": True,
                                      "description": "localized field, only with ?lang="},
                            "languages": {**_LANG_KEYS, "additionalProperties": _COUNTS}}}}}}}}},
            "400": {"description": "unsupported_language", "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/ErrorOut"}}}},
        }}},
}
