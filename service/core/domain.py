"""Plain data that flows between the layers: stories, snippets, summary fields, localized fields.

No I/O here; the store turns rows into these and the API/pages turn these into JSON/HTML.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

SNIPPET_KINDS = ("headline", "paragraph", "quote", "post", "heading")
FIELD_ROLES = ("title", "point", "quote", "heading")


@dataclass(frozen=True)
class Snippet:
    lang: str
    kind: str
    text: str
    attribution: str
    url: str | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class Field:
    """A reader-visible text of a summary, in its source language.

    ``source_index`` is the ``from`` of the contract: the index of the snippet it comes from.
    """

    story_id: str
    role: str
    position: int
    source_index: int | None
    source_lang: str
    source_text: str
    attribution: str | None = None

    @property
    def context(self) -> str:
        """The gettext ``msgctxt`` of this field: the story and the kind of field."""
        return field_context(self.story_id, self.role)

    @property
    def source_hash(self) -> str:
        return source_hash(self.source_lang, self.source_text)


@dataclass(frozen=True)
class Story:
    id: str
    published: dt.date
    title: str | None
    snippets: tuple[Snippet, ...]
    fields: tuple[Field, ...] = field(default=())

    def fields_with_role(self, role: str) -> list[Field]:
        return [f for f in self.fields if f.role == role]


@dataclass(frozen=True)
class LocalizedField:
    text: str
    lang: str
    provenance: str
    source_lang: str
    source_text: str
    engine: str | None = None
    pending: bool = False        # source for now: a machine translation is queued
    reviewed_from: str | None = None     # human: an engine's text a translator accepted unchanged

    def as_json(self) -> dict[str, Any]:
        found = {"text": self.text, "lang": self.lang, "provenance": self.provenance,
                 "source_lang": self.source_lang, "source_text": self.source_text, "engine": self.engine,
                 "pending": self.pending}
        if self.reviewed_from:           # a translator's own words carry no such key (PRODUCT.md)
            found["reviewed_from"] = self.reviewed_from
        return found


def field_context(story_id: str, role: str) -> str:
    return f"{story_id}/{role}"


def source_hash(lang: str, text: str) -> str:
    """Identity of a text to translate: the same words in the same language share translations."""
    return hashlib.sha256(f"{lang}\n{text}".encode("utf-8")).hexdigest()
