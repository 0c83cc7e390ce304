"""What a story body may be, and turning one into a ``StoryInput``: the rules every face shares.

The API validates request bodies with it (and describes them in OpenAPI from the same classes);
the CLI validates the demo stories. Failures are domain errors (``InvalidInput``,
``LimitExceeded``), which each face maps to its own output.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

from ..core import textrules
from ..core.config import SOURCE_LANGUAGES, Settings
from ..core.domain import SNIPPET_KINDS, Snippet
from ..core.errors import InvalidInput, LimitExceeded
from .stories import StoryInput

SLUG_PATTERN = r"^[a-z0-9-]{1,80}$"
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
URL_PATTERN = rf"^https?://[^\s{textrules.FORBIDDEN}]+$"
# Literal over the tuples, so the languages are listed once (config); pydantic reads them at run
# time, mypy cannot evaluate a Literal of a variable.
SourceLang = Literal[SOURCE_LANGUAGES]  # type: ignore[valid-type]  # see above
SnippetKind = Literal[SNIPPET_KINDS]  # type: ignore[valid-type]  # see above


# Our validators raise PydanticCustomError: its type is the detail's ``code``, its text the message.
DATE_MESSAGE = "must be a real date written as an ISO string, YYYY-MM-DD, such as \"2025-09-01\""


def _storable(value: str) -> str:
    reason = textrules.problem(value)
    if reason:
        raise PydanticCustomError("blank" if reason.startswith("is blank") else "forbidden_character", reason)
    return value


def _in_a_source_language(value: str) -> str:
    if re.search(f"[{textrules.HANGUL}]", value):
        raise PydanticCustomError("wrong_language", "must be written in English or Japanese, the source languages; "
                                  "Korean comes from translators and machine translation")
    return value


def _iso_date_string(value: object) -> object:
    """Dates are ISO strings; pydantic alone would also take 1756684800 (epoch seconds)."""
    if isinstance(value, str) and re.fullmatch(ISO_DATE_PATTERN, value, flags=re.ASCII):
        return value
    raise PydanticCustomError("invalid_date", DATE_MESSAGE)


def _url(value: str) -> str:
    if not re.fullmatch(URL_PATTERN, value):
        raise PydanticCustomError("invalid_url", "must be an http:// or https:// URL without spaces or control characters")
    return value


def _language_rule() -> JsonDict:
    """The snippet language rule (``textrules.language_problem``) in JSON Schema, for OpenAPI and
    the clients and fuzzers that read it."""
    return {"allOf": [{"if": {"properties": {"lang": {"const": lang}}, "required": ["lang"]},
                       "then": {"properties": {"text": {"pattern": textrules.language_pattern(lang)}}}}
                      for lang in SOURCE_LANGUAGES]}


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
    """One source text as written in its original language.

    Its text must be plainly in ``lang``: a ``ja`` text has kana or kanji; an ``en`` text has at
    most 10 kana or kanji characters (names quoted in Japanese script)."""

    model_config = ConfigDict(json_schema_extra=_language_rule())

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


def _field(loc: tuple[int | str, ...]) -> str:
    """``snippets.0.kind``: the path of a field in the body (pydantic's union tags left out)."""
    return ".".join(str(part) for part in loc if isinstance(part, int) or "[" not in part) or "body"


_PLAIN: dict[str, tuple[str, str]] = {   # pydantic's error type -> our code and plain words
    "missing": ("required", "is required"),
    "extra_forbidden": ("unknown_field", "is not a field of a story; remove it"),
    "string_type": ("not_a_string", "must be a string"),
    "list_type": ("not_a_list", "must be a list"),
    "model_type": ("not_an_object", "must be a JSON object"),
    "dict_type": ("not_an_object", "must be a JSON object"),
    "model_attributes_type": ("not_an_object", "must be a JSON object"),
    "string_too_short": ("empty", "must not be empty"),
    "date_from_datetime_parsing": ("invalid_date", DATE_MESSAGE),
    "date_parsing": ("invalid_date", DATE_MESSAGE),
    "date_type": ("invalid_date", DATE_MESSAGE),
}
_FIELD_RULES = {"id": "must be 1 to 80 characters, each a lowercase letter a-z, a digit or a hyphen (-)",
                "lang": "must be \"en\" or \"ja\", the language the text is written in",
                "kind": "must be one of headline, paragraph, quote, post, heading"}


def _detail(item: Mapping[str, Any]) -> dict[str, str]:
    field = _field(tuple(item["loc"]))
    kind, name = item["type"], str(item["loc"][-1]) if item["loc"] else ""
    ctx = item.get("ctx") or {}
    if kind in _PLAIN:
        code, message = _PLAIN[kind]
    elif kind in ("string_pattern_mismatch", "literal_error") and name in _FIELD_RULES:
        code, message = "not_allowed", _FIELD_RULES[name]
    elif kind == "too_short":
        code, message = "too_few", f"must have at least {ctx.get('min_length', 1)} item(s)"
    elif kind in ("string_too_long", "too_long"):
        code, message = "too_long", f"must be at most {ctx.get('max_length')} characters long"
    elif kind == "literal_error":
        code, message = "not_allowed", f"must be one of {ctx.get('expected', '')}"
    else:                               # our own validators' codes and messages (PydanticCustomError)
        code, message = kind, str(item["msg"])
    return {"field": field, "code": code, "message": message}


def problems(error: ValidationError) -> list[dict[str, str]]:
    """One ``{field, code, message}`` per problem, in plain words (not pydantic's)."""
    return [_detail(item) for item in error.errors()]


def _summary(details: list[dict[str, str]]) -> str:
    first = f"{details[0]['field']} {details[0]['message']}"
    return first if len(details) == 1 else f"{len(details)} problems, each in details; the first: {first}"


def _wrong_languages(story: StoryIn) -> list[dict[str, str]]:
    return [{"field": f"snippets.{index}.text", "code": "wrong_language", "message": reason}
            for index, snippet in enumerate(story.snippets)
            if (reason := textrules.language_problem(snippet.lang, snippet.text))]


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
        details = problems(error)
        raise InvalidInput(_summary(details), code="invalid_story", details=details) from None
    if path_id is not None and story.id != path_id:
        message = f"the body's id {story.id!r} differs from the URL's {path_id!r}"
        raise InvalidInput(message, code="id_mismatch",
                           details=[{"field": "id", "code": "id_mismatch", "message": message}])
    check_limits(story, settings)
    wrong = _wrong_languages(story)
    if wrong:
        raise InvalidInput(_summary(wrong), code="invalid_story", details=wrong)
    return StoryInput(id=story.id, published=story.published, title=story.title,
                      snippets=[Snippet(lang=s.lang, kind=s.kind, text=s.text, attribution=s.attribution,
                                        url=s.url, date=s.date) for s in story.snippets])
