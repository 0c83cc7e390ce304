"""``GET /api/v1/coverage``: translation coverage per language and per story, as JSON.

The numbers are ``catalog stats``' and ``/<lang>/translate``'s (one function computes them,
``service.usecases.coverage.coverage_report``); story rows come a page at a time (``next``).
The response is described by the pydantic models below, which the tests validate real responses against; ``OPENAPI_PATHS`` is generated from
them, and ``OPENAPI_MODELS`` are the models whose schemas ``/api/v1/openapi.json`` must carry
in ``components.schemas`` for the references in ``OPENAPI_PATHS``.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from flask import Blueprint, request, url_for
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field

from ..core.config import READING_LANGUAGES
from ..http.wiring import services
from ..usecases.coverage import coverage_report
from .answers import cursor_arg, serve_json
from .requests import reading_language
from .schemas import LocalizedFieldOut, ReadingLang

coverage_api = Blueprint("coverage_api", __name__, url_prefix="/api/v1")
REF = "#/components/schemas/{model}"
Count = Field(ge=0)


class CoverageCountsOut(BaseModel):
    """Per field: human + machine + source == fields."""

    model_config = ConfigDict(extra="forbid")

    fields: int = Count
    native: int = Field(ge=0, description="fields already written in this language (counted in source)")
    human: int = Count
    machine: int = Count
    source: int = Count
    untranslated: int = Field(ge=0, description="fields in another language served as source: nobody and no "
                                                "model has translated them yet (counted in source)")
    fuzzy: int = Field(ge=0, description="fields not served as human whose catalog entry is fuzzy (a machine "
                                         "suggestion or a changed source waiting for review)")


class LanguageCoverageOut(CoverageCountsOut):
    """All stories' counts in one language, and the state of its catalog files."""

    catalog: Literal["ok", "missing", "broken"] = Field(
        description="ok: every file of translations/<lang>/ was accepted at its last import; broken: some were "
                    "rejected; missing: none imported yet")
    broken_files: int = Field(ge=0, description="how many of the language's files were rejected at their last import")


class StoryLanguageCoverageOut(CoverageCountsOut):
    """One story's counts in one language, and its file."""

    file: str | None = Field(description="the story's catalog file for this language, relative to the catalogs "
                                         "folder (null when it has nothing to translate into it)")


class BrokenFileOut(BaseModel):
    """A file rejected at its last import: where and why, never its contents."""

    model_config = ConfigDict(extra="forbid")

    file: str
    lang: ReadingLang
    error: str | None = Field(description="the first problem, `file:line: reason`")


class StoryCoverageOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    published: dt.date
    title: LocalizedFieldOut | None = Field(
        default=None, description="the story's title localized in ?lang=; only present with ?lang=")
    languages: dict[ReadingLang, StoryLanguageCoverageOut]


class CoverageOut(BaseModel):
    """Translation coverage per language and per story."""

    model_config = ConfigDict(extra="forbid")

    languages: dict[ReadingLang, LanguageCoverageOut]
    stories: list[StoryCoverageOut]
    next: str | None = Field(description="the next page of story rows (newest first), null on the last")
    broken_files: list[BrokenFileOut] = Field(description="the first rejected files (at most 20 per language)")


@coverage_api.get("/coverage")
def coverage() -> ResponseReturnValue:
    lang = reading_language() if "lang" in request.args else None
    cursor = cursor_arg()
    svc = services()

    def build() -> dict[str, Any]:
        report = coverage_report(svc.store, svc.settings.translations_dir, [lang] if lang else READING_LANGUAGES,
                                 title_lang=lang, cursor=cursor, limit=svc.settings.page_size)
        following = report["next"]
        extra: dict[str, Any] = {"lang": lang} if lang else {}
        report["next"] = (url_for("coverage_api.coverage", cursor=following.encode(), **extra)
                          if following else None)
        return report

    return serve_json(("coverage", lang, cursor), svc.reading.site_validity(), build)


OPENAPI_MODELS = [CoverageOut]


def _response_schema() -> dict[str, Any]:
    schema = CoverageOut.model_json_schema(ref_template=REF, mode="serialization")
    schema.pop("$defs", None)           # nested models are components: see OPENAPI_MODELS
    return schema


OPENAPI_PATHS = {
    "/api/v1/coverage": {"get": {
        "summary": "Translation coverage per language and per story (human, machine, source, fuzzy)",
        "parameters": [{"name": "lang", "in": "query", "required": False,
                        "schema": {"type": "string", "enum": list(READING_LANGUAGES)},
                        "description": "only this reading language (default: all); also adds each story's "
                                       "localized title"},
                       {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
                        "description": "where the page of story rows starts: take it from `next`"}],
        "responses": {
            "200": {"description": "coverage", "content": {"application/json": {"schema": _response_schema()}}},
            "400": {"description": "unsupported_language", "content": {"application/json": {"schema": {
                "$ref": REF.format(model="ErrorOut")}}}},
            "404": {"description": "invalid_cursor: no such page", "content": {"application/json": {"schema": {
                "$ref": REF.format(model="ErrorOut")}}}},
        }}},
}
