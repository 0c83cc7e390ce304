"""Request and response shapes: one source for validation and for the OpenAPI description.

Limits that are settings (snippet length, snippets per story) are checked in ``requests.py``
because they are not known when these classes are defined.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..config import READING_LANGUAGES, SOURCE_LANGUAGES
from ..domain import SNIPPET_KINDS
from ..text import CONTROL_CHARACTERS, HANGUL

SLUG_PATTERN = r"^[a-z0-9-]{1,80}$"
SourceLang = Literal[SOURCE_LANGUAGES]  # type: ignore[valid-type]
ReadingLang = Literal[READING_LANGUAGES]  # type: ignore[valid-type]
SnippetKind = Literal[SNIPPET_KINDS]  # type: ignore[valid-type]
Provenance = Literal["human", "machine", "source"]


def _printable(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValueError("must not contain control characters (tab and newline are fine)")
    return value


def _in_a_source_language(value: str) -> str:
    if HANGUL.search(value):
        raise ValueError("must be written in English or Japanese, the source languages; "
                         "Korean comes from translators and machine translation")
    return value


Text = Annotated[str, AfterValidator(_printable)]
Title = Annotated[str, AfterValidator(_printable), AfterValidator(_in_a_source_language)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, str_strip_whitespace=False)


class SnippetIn(Strict):
    """One source text as written in its original language."""

    lang: SourceLang
    kind: SnippetKind
    text: Text = Field(min_length=1, pattern=r"\S")
    attribution: Text = Field(min_length=1, max_length=500, pattern=r"\S")
    url: str | None = Field(default=None, max_length=2000, pattern=r"^https?://[^\s]+$")
    date: dt.date | None = None


class StoryIn(Strict):
    """Body of POST /stories and PUT /stories/{id}."""

    id: str = Field(pattern=SLUG_PATTERN, description="URL-safe slug, 1-80 chars of a-z0-9-")
    published: dt.date
    title: Title | None = Field(default=None, min_length=1, pattern=r"\S",
                                description="editor-written title, in English or Japanese")
    snippets: list[SnippetIn] = Field(min_length=1)


class LocalizedFieldOut(BaseModel):
    text: str
    lang: str
    provenance: Provenance
    source_lang: SourceLang
    source_text: str
    engine: str | None = Field(description="model that made machine text, e.g. argos:en-ko:1.1")


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
