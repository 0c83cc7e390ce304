"""How much a catalog file may hold, from the settings, so a hostile or careless file is
refused before it costs memory, store space or log space.

The msgstr bounds follow the API's: a title's translation may be at most twice
``max_title_chars``, any other field's at most twice ``max_snippet_chars`` (a translation is
often longer than its source: Japanese to English roughly doubles the characters). A msgid
(the source text, which the API bounded when it was written) gets the larger bound. A line
can hold at most one such string, each character at most 4 bytes (UTF-8, or a ``\\x..``
escape), which bounds what is read at once.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings

GROWTH = 2
PROBLEMS_KEPT = 20          # problems and warnings stored, logged and shown per file
CONTEXT_CHARS = 200         # the most of a reason (and of any file content in it) ever shown


@dataclass(frozen=True)
class CatalogLimits:
    max_bytes: int = 32 * 1024 * 1024
    max_entries: int = 200_000
    max_title_chars: int = GROWTH * 300
    max_text_chars: int = GROWTH * 5000

    @classmethod
    def from_settings(cls, settings: Settings) -> CatalogLimits:
        return cls(max_bytes=settings.max_catalog_bytes, max_entries=settings.max_catalog_entries,
                   max_title_chars=GROWTH * settings.max_title_chars,
                   max_text_chars=GROWTH * settings.max_snippet_chars)

    @property
    def max_string_chars(self) -> int:
        return max(self.max_text_chars, self.max_title_chars)

    @property
    def max_line_bytes(self) -> int:
        return 4 * self.max_string_chars + 1024

    def msgstr_chars(self, context: str | None) -> int:
        """The bound for a msgstr of the field named by ``context`` (``<story-id>/<role>``)."""
        return self.max_title_chars if (context or "").endswith("/title") else self.max_text_chars


DEFAULT_LIMITS = CatalogLimits()


def clip(text: str, limit: int = CONTEXT_CHARS) -> str:
    """At most ``limit`` characters, with an ellipsis when cut: nothing from a file is ever
    echoed at length."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
