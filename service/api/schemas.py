"""Response shapes, and the request shapes from ``service.usecases.story_input``: one source for validation
and for the OpenAPI description.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from ..core.config import READING_LANGUAGES
from ..usecases.story_input import SLUG_PATTERN, SnippetIn, SnippetKind, SourceLang, StoryIn, StoryReplaceIn

__all__ = ["SLUG_PATTERN", "SnippetIn", "StoryIn", "StoryReplaceIn", "ReadingLang", "SourceLang", "SnippetKind",
           "Provenance"]

# A Literal over the config's tuple, so the reading languages are listed once; pydantic reads it
# at run time, mypy cannot evaluate a Literal of a variable.
ReadingLang = Literal[READING_LANGUAGES]  # type: ignore[valid-type]  # see above
Provenance = Literal["human", "machine", "source"]


class LocalizedFieldOut(BaseModel):
    text: str
    lang: str
    provenance: Provenance
    source_lang: SourceLang
    source_text: str
    engine: str | None = Field(description="model that made machine text, e.g. argos:en-ko:1.1")
    pending: bool = Field(default=False, description="served as source for now: its machine translation "
                                                     "is queued for a worker")
    reviewed_from: str | None = Field(default=None, description="only on a human field whose text a translator "
                                                                "accepted unchanged from this engine's output")


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


class ErrorDetail(BaseModel):
    """One problem of a 422: which field, a stable code, plain words."""

    field: str = Field(description="path of the field in the body, e.g. snippets.0.kind; \"body\" for the whole body")
    code: str = Field(description="stable name of the problem, e.g. required, not_allowed, wrong_language")
    message: str = Field(description="what is wrong, in plain words, to show next to the field")


class ErrorBody(BaseModel):
    code: str = Field(description="stable name of the error, e.g. invalid_story, story_not_found")
    message: str
    details: list[ErrorDetail] | None = Field(default=None, description="422 only: one entry per problem")


class ErrorOut(BaseModel):
    error: ErrorBody


class ValidationErrorBody(ErrorBody):
    details: list[ErrorDetail] = Field(min_length=1, description="one entry per problem")


class ValidationErrorOut(BaseModel):
    """A 422: the body breaks the story rules; ``details`` says where and why, one entry per problem."""

    error: ValidationErrorBody
