"""What a story body may be, and turning one into a ``StoryInput``: the rules every face shares.

The API validates request bodies with it (and describes them in OpenAPI from the same classes);
the CLI validates the demo stories. Failures are domain errors (``InvalidInput``,
``LimitExceeded``), which each face maps to its own output.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from . import textrules
from .config import SOURCE_LANGUAGES, Settings
from .domain import SNIPPET_KINDS, Snippet
from .errors import InvalidInput, LimitExceeded
from .stories import StoryInput

SLUG_PATTERN = r"^[a-z0-9-]{1,80}$"
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
URL_PATTERN = rf"^https?://[^\s{textrules.FORBIDDEN}]+$"
# Literal over the tuples, so the languages are listed once (config); pydantic reads them at run
# time, mypy cannot evaluate a Literal of a variable.
SourceLang = Literal[SOURCE_LANGUAGES]  # type: ignore[valid-type]  # see above
SnippetKind = Literal[SNIPPET_KINDS]  # type: ignore[valid-type]  # see above


def _storable(value: str) -> str:
    reason = textrules.problem(value)
    if reason:
        raise ValueError(reason)
    return value


def _in_a_source_language(value: str) -> str:
    if re.search(f"[{textrules.HANGUL}]", value):
        raise ValueError("must be written in English or Japanese, the source languages; "
                         "Korean comes from translators and machine translation")
    return value


def _iso_date_string(value: object) -> object:
    """Dates are ISO strings; pydantic alone would also take 1756684800 (epoch seconds)."""
    if isinstance(value, str) and re.fullmatch(ISO_DATE_PATTERN, value, flags=re.ASCII):
        return value
    raise ValueError("must be a date written as an ISO string, YYYY-MM-DD, such as \"2025-09-01\"")


def _url(value: str) -> str:
    if not re.fullmatch(URL_PATTERN, value):
        raise ValueError("must be an http:// or https:// URL without spaces or control characters")
    return value


_TEXT_RULE = ("No control characters other than tab and newline (C0, DEL, C1), no bidi embeddings, "
              "overrides or isolates (U+202A-U+202E, U+2066-U+2069), and not blank after NFKC "
              "normalisation and removal of format characters such as U+200B and U+FEFF.")
Text = Annotated[str, AfterValidator(_storable),
                 Field(min_length=1, json_schema_extra={"pattern": textrules.text_pattern()},
                       description=_TEXT_RULE)]
Title = Annotated[str, AfterValidator(_storable), AfterValidator(_in_a_source_language),
                  Field(min_length=1, json_schema_extra={"pattern": textrules.text_pattern(textrules.HANGUL)},
                        description="editor-written title, in English or Japanese (no Hangul). " + _TEXT_RULE)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_string),
                    Field(json_schema_extra={"pattern": ISO_DATE_PATTERN}, description="ISO date, YYYY-MM-DD")]
Url = Annotated[str, AfterValidator(_url), Field(max_length=2000, json_schema_extra={"pattern": URL_PATTERN})]


class Closed(BaseModel):
    """Unknown keys are refused; values are coerced as pydantic's lax mode does (ISO strings to dates)."""

    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=False)


class SnippetIn(Closed):
    """One source text as written in its original language."""

    lang: SourceLang
    kind: SnippetKind
    text: Text
    attribution: Annotated[Text, Field(max_length=500)]
    url: Url | None = None
    date: IsoDate | None = None


class StoryBody(Closed):
    """What POST and PUT bodies share."""

    published: IsoDate
    title: Title | None = None
    snippets: list[SnippetIn] = Field(min_length=1)


class StoryIn(StoryBody):
    """Body of POST /stories (and, with the URL's id filled in, what a PUT is validated as)."""

    id: str = Field(pattern=SLUG_PATTERN, description="URL-safe slug, 1-80 chars of a-z0-9-")


class StoryReplaceIn(StoryBody):
    """Body of PUT /stories/{story_id}: the story's id is the URL's.

    A body may still carry "id" when it is the URL's own (a GET answer sent back, say); a
    different id is refused with 422 id_mismatch.
    """


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        where = ".".join(str(p) for p in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    more = len(error.errors()) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def check_limits(story: StoryIn, settings: Settings) -> None:
    """Limits that are settings, so not known when the classes above are defined."""
    if len(story.snippets) > settings.max_snippets:
        raise LimitExceeded(f"a story may have at most {settings.max_snippets} snippets (KAKEHASHI_MAX_SNIPPETS), "
                            f"got {len(story.snippets)}", code="too_many_snippets")
    for index, snippet in enumerate(story.snippets):
        if len(snippet.text) > settings.max_snippet_chars:
            raise LimitExceeded(f"snippets.{index}.text has {len(snippet.text)} characters; the limit is "
                                f"{settings.max_snippet_chars} (KAKEHASHI_MAX_SNIPPET_CHARS)", code="snippet_too_long")
    if story.title and len(story.title) > settings.max_title_chars:
        raise LimitExceeded(f"title has {len(story.title)} characters; the limit is {settings.max_title_chars}",
                            code="title_too_long")


def story_input(data: object, settings: Settings, path_id: str | None = None) -> StoryInput:
    """Validate a story body; with ``path_id`` (a replace) the body's id must match it."""
    if path_id is not None and isinstance(data, dict):
        data = {"id": path_id, **data}
    try:
        story = StoryIn.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(_describe(error), code="invalid_story") from None
    if path_id is not None and story.id != path_id:
        raise InvalidInput(f"the body's id {story.id!r} differs from the URL's {path_id!r}", code="id_mismatch")
    check_limits(story, settings)
    return StoryInput(id=story.id, published=story.published, title=story.title,
                      snippets=[Snippet(lang=s.lang, kind=s.kind, text=s.text, attribution=s.attribution,
                                        url=s.url, date=s.date) for s in story.snippets])
