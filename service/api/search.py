"""``GET /api/v1/search``: the story list's cards matching a query, best first, with why each matched.

The response models below validate real responses in the tests and describe the path in
``/api/v1/openapi.json`` (``OPENAPI_MODELS``, ``OPENAPI_PATHS``), as ``coverage.py`` does.
"""
from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, request, url_for
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field

from ..core import textrules
from ..core.cursor import RankedCursor
from ..core.errors import InvalidInput
from ..http.searchlimit import search_limited
from ..http.wiring import services
from ..usecases.searching import SearchResult
from .answers import MAX_LIMIT, serve_json
from .errors import ApiError
from .requests import reading_language
from .schemas import LocalizedFieldOut, StorySummaryOut

search_api = Blueprint("search_api", __name__, url_prefix="/api/v1")
REF = "#/components/schemas/{model}"


class ExcerptOut(BaseModel):
    """The matching text around the match, as plain text: ``before`` + ``match`` + ``after``."""

    before: str
    match: str = Field(description="the part that matched the query, to highlight")
    after: str


class MatchOut(LocalizedFieldOut):
    """The field that matched, localized like every field (a source snippet is ``source``)."""

    in_: Literal["title", "point", "quote", "source"] = Field(alias="in")
    from_: int | None = Field(alias="from", description="index into the story's sources; null for an editor title")
    excerpt: ExcerptOut


class SearchCardOut(StorySummaryOut):
    match: MatchOut | None = Field(description="why it matched: the first field holding the query")


class SearchOut(BaseModel):
    stories: list[SearchCardOut]
    next: str | None = Field(description="URL of the next page of results; null on the last page")


def card_json(result: SearchResult) -> dict[str, Any]:
    return {"id": result.id, "published": result.published.isoformat(), "title": result.title.localized.as_json(),
            "match": result.match.as_json() if result.match else None}


def _cursor() -> RankedCursor | None:
    raw = request.args.get("cursor")
    try:
        return RankedCursor.decode(raw) if raw is not None else None
    except InvalidInput as error:
        raise ApiError(404, error.code, error.message) from None


def _limit() -> int | None:
    raw = request.args.get("limit")
    if raw is None:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, "invalid_limit", f"limit must be a whole number from 1 to {MAX_LIMIT}, got {raw!r}")
    return int(raw)


@search_api.get("/search")
@search_limited
def search() -> ResponseReturnValue:
    svc = services()
    lang, cursor, limit = reading_language(), _cursor(), _limit()
    query = svc.search.query(request.args.get("q"))

    def build() -> dict[str, Any]:
        page = svc.search.search(lang, query, cursor, limit)
        extra: dict[str, Any] = {"limit": limit} if limit else {}
        following = (url_for("search_api.search", lang=lang, q=query, cursor=page.next.encode(), **extra)
                     if page.next else None)
        return {"stories": [card_json(result) for result in page.results], "next": following}

    return serve_json(("search", lang, query, cursor, limit), svc.search.validity(), build)


OPENAPI_MODELS = [SearchOut]
Q_PARAM = {"name": "q", "in": "query", "required": True,
           "schema": {"type": "string", "minLength": 1, "maxLength": 200,
                      "pattern": textrules.text_pattern(textrules.NOT_IN_ONE_LINE)},    # one line, no controls, not blank
           "description": "words or names to find, matched as a substring (case-insensitive, NFKC): in the text a "
                          "reader of `lang` is served (human, machine or source) of titles, points and quotes, "
                          "and in the stories' sources. Over KAKEHASHI_MAX_SEARCH_CHARS characters, empty once "
                          "normalized, or holding control characters: 400"}
OPENAPI_PATHS = {
    "/api/v1/search": {"get": {
        "summary": "Stories matching a query, best first (title, then points and quotes, then sources; newer first)",
        "parameters": [
            {"name": "lang", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["en", "ko", "ja"], "default": "en"}, "description": "reading language"},
            Q_PARAM,
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "where the page starts: take it from the previous page's `next`"},
            {"name": "limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 20},
             "description": "stories per page"}],
        "responses": {
            "200": {"description": "matching stories",
                    "content": {"application/json": {"schema": {"$ref": REF.format(model="SearchOut")}}}},
            **{str(status): {"description": description, "content": {"application/json": {
                "schema": {"$ref": REF.format(model="ErrorOut")}}}}
               for status, description in ((400, "bad query, language or limit"), (404, "a cursor this service "
                                           "did not make"), (429, "too many searches from this address"))}},
    }},
}
