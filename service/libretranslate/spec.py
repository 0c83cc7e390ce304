"""``GET /spec``: an OpenAPI document of the LibreTranslate-compatible face, where LibreTranslate
serves its own, so its clients and code generators find the paths, fields and error shape.

Written by hand from LibreTranslate's API (the face copies its shapes, not our pydantic models);
kept apart from ``routes.py`` so describing the face never changes how it answers.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from flask import Flask, Response

REF = "#/components/schemas/{name}"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": REF.format(name=name)}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


ERRORS = {
    "400": _json("Error", "bad request: a missing or invalid parameter, an unsupported language or pair, a text or "
                          "list over the limits, or a missing key when keys are required"),
    "403": _json("Error", "the API key is not one this server accepts"),
    "413": _json("Error", "the request body is over the server's limit"),
    "429": _json("Error", "the key's (or address's) rate limit is spent; see Retry-After"),
    "500": _json("Error", "translating failed"),
}
TEXTS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
         "description": "the text, or a list of texts (the answer is then a list in the same order)"}
KEY = {"type": "string", "description": "API key (a KAKEHASHI_MT_API_KEYS or KAKEHASHI_API_TOKENS value); "
                                        "also accepted as 'Authorization: Bearer <key>'"}
DETECTED = {"type": "object", "properties": {"confidence": {"type": "number", "minimum": 0, "maximum": 100},
                                             "language": {"type": "string"}},
            "required": ["confidence", "language"]}


def _body(name: str) -> dict[str, Any]:
    """LibreTranslate takes JSON or a form with the same fields."""
    return {"required": True, "content": {"application/json": {"schema": _ref(name)},
                                          "application/x-www-form-urlencoded": {"schema": _ref(name)}}}


SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "properties": {"error": {"type": "string", "description": "what went wrong"}},
              "required": ["error"]},
    "TranslateRequest": {"type": "object", "required": ["q", "source", "target"], "properties": {
        "q": TEXTS,
        "source": {"type": "string", "description": "source language code, or 'auto' to detect it", "example": "en"},
        "target": {"type": "string", "description": "target language code", "example": "ko"},
        "format": {"type": "string", "enum": ["text", "html"], "default": "text",
                   "description": "html: tags are kept and only the text between them is translated"},
        "alternatives": {"type": "integer", "minimum": 0, "default": 0,
                         "description": "how many alternative translations to add (at most KAKEHASHI_MT_ALTERNATIVES_LIMIT)"},
        "api_key": KEY}},
    "TranslateResponse": {"type": "object", "required": ["translatedText"], "properties": {
        "translatedText": TEXTS,
        "detectedLanguage": {"oneOf": [DETECTED, {"type": "array", "items": DETECTED}],
                             "description": "only with source 'auto'"},
        "alternatives": {"type": "array", "description": "only with alternatives > 0"},
        "provenance": {"description": "Kakehashi's addition, which clients ignore: per text, 'human', 'machine' or "
                                      "'source' (not translated)",
                       "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}}},
    "DetectRequest": {"type": "object", "required": ["q"], "properties": {"q": TEXTS, "api_key": KEY}},
    "DetectResponse": {"type": "array", "items": DETECTED, "description": "most likely first; never empty"},
    "Language": {"type": "object", "required": ["code", "name", "targets"], "properties": {
        "code": {"type": "string", "example": "en"}, "name": {"type": "string", "example": "English"},
        "targets": {"type": "array", "items": {"type": "string"}, "description": "languages it translates into"}}},
    "FrontendSettings": {"type": "object", "description": "what LibreTranslate's web front end reads",
                         "properties": {"charLimit": {"type": "integer"}, "keyRequired": {"type": "boolean"},
                                        "apiKeys": {"type": "boolean"}, "language": {"type": "object"}}},
    "Health": {"type": "object", "properties": {"status": {"type": "string", "example": "ok"}}},
}

PATHS: dict[str, Any] = {
    "/translate": {"post": {"summary": "Translate text (offline Argos models, human translations first)",
                            "operationId": "translate", "requestBody": _body("TranslateRequest"),
                            "responses": {"200": _json("TranslateResponse", "the translation"), **ERRORS}}},
    "/detect": {"post": {"summary": "Detect the language of a text", "operationId": "detect",
                         "requestBody": _body("DetectRequest"),
                         "responses": {"200": _json("DetectResponse", "languages, most likely first"),
                                       **{code: ERRORS[code] for code in ("400", "403", "413", "429")}}}},
    "/languages": {"get": {"summary": "Languages and the targets each translates into", "operationId": "languages",
                           "responses": {"200": {"description": "installed languages", "content": {
                               "application/json": {"schema": {"type": "array", "items": _ref("Language")}}}}}}},
    "/frontend/settings": {"get": {"summary": "Settings for LibreTranslate's web front end",
                                   "operationId": "frontendSettings",
                                   "responses": {"200": _json("FrontendSettings", "settings")}}},
    "/health": {"get": {"summary": "Whether the translation service answers", "operationId": "health",
                        "responses": {"200": _json("Health", "serving"), "500": _json("Error", "not serving")}}},
}


@lru_cache(maxsize=1)
def spec_json() -> bytes:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Kakehashi: LibreTranslate-compatible API", "version": "1",
                 "description": "The paths, fields and errors of LibreTranslate's API, so its clients "
                                "(libretranslatepy, deep-translator, Weblate, ...) work unchanged. Every error is "
                                "{\"error\": \"<string>\"}. Kakehashi's own API is described at /api/v1/openapi.json."},
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def register_spec(app: Flask) -> None:
    def spec() -> Response:
        response = Response(spec_json(), mimetype="application/json")
        response.headers["Access-Control-Allow-Origin"] = "*"      # as the face's other answers
        return response

    app.add_url_rule("/spec", "libretranslate_spec", spec, methods=["GET"])
