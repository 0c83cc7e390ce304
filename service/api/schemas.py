"""Request and response shapes: one source for validation and for the OpenAPI description.

Limits that are settings (snippet length, snippets per story) are checked in ``requests.py``
because they are not known when these classes are defined.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from .. import textrules
from ..config import READING_LANGUAGES, SOURCE_LANGUAGES
from ..domain import SNIPPET_KINDS

SLUG_PATTERN = r"^[a-z0-9-]{1,80}$"
ISO_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
URL_PATTERN = rf"^https?://[^\s{textrules.FORBIDDEN}]+$"
SourceLang = Literal[SOURCE_LANGUAGES]  # type: ignore[valid-type]
ReadingLang = Literal[READING_LANGUAGES]  # type: ignore[valid-type]
SnippetKind = Literal[SNIPPET_KINDS]  # type: ignore[valid-type]
Provenance = Literal["human", "machine", "source"]


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


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=False)


class SnippetIn(Strict):
    """One source text as written in its original language."""

    lang: SourceLang
    kind: SnippetKind
    text: Text
    attribution: Annotated[Text, Field(max_length=500)]
    url: Url | None = None
    date: IsoDate | None = None


class StoryBody(Strict):
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


class LocalizedFieldOut(BaseModel):
    text: str
    lang: str
    provenance: Provenance
    source_lang: SourceLang
    source_text: str
    engine: str | None = Field(description="model that made machine text, e.g. argos:en-ko:1.1")
    pending: bool = Field(default=False, description="served as source for now: its machine translation "
                                                     "is queued for a worker")


class PointOut(LocalizedFieldOut):
    from_: int = Field(alias="from", description="index into the story's sources")


class TitleOut(LocalizedFieldOut):
    from_: int | None = Field(alias="from", description="the headline snippet it comes from; null for an editor title")


class QuoteOut(PointOut):
    attribution: str


class SnippetOut(BaseModel):
    lang: SourceLang
    kind: SnippetKind
    text: str
    attribution: str
    url: str | None
    date: dt.date | None


class Coverage(BaseModel):
    human: int
    machine: int
    source: int


class StoryOut(BaseModel):
    id: str
    lang: ReadingLang
    published: dt.date
    title: TitleOut
    points: list[PointOut]
    quotes: list[QuoteOut]
    headings: list[PointOut]
    sources: list[SnippetOut]
    coverage: Coverage


class StorySummaryOut(BaseModel):
    id: str
    published: dt.date
    title: LocalizedFieldOut


class StoryListOut(BaseModel):
    stories: list[StorySummaryOut]
    next: str | None = Field(description="URL of the next (older) page; null on the last page")


class PairOut(BaseModel):
    source: SourceLang | ReadingLang
    target: ReadingLang
    engine: str
    pivot: bool


class LanguagesOut(BaseModel):
    reading: list[ReadingLang]
    sources: list[SourceLang]
    machine_translation: list[PairOut]


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
