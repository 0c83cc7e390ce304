"""Search use case: stories matching a query in what a reader of one language is served.

The faces (``/api/v1/search``, ``/<lang>/search``) call ``query`` to check and normalize what the
reader typed (``BadQuery`` otherwise) and ``search`` for a page of results; the store finds and
ranks the stories (``store.search``), this module shows why each matched: the first field (title,
point, quote, then source snippet) holding the query, localized like every field, with the match
located in the text the reader sees. Results are documents like any other: valid while the site's
generation is unchanged, since any write can change any search's answer.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..core import textrules
from ..core.cursor import RankedCursor
from ..core.domain import LocalizedField, Snippet
from ..core.errors import DomainError
from ..core.textrules import fold, search_form
from ..store import Store, reads
from ..store import search as index
from .documents import Validity
from .reading import LocalizedItem, localize_fields, resolver_for

# Query rules: C0/C1 controls (tab and newline too: a query is one line), bidi overrides.
_CONTROL = re.compile(f"[{textrules.FORBIDDEN}{textrules.NOT_IN_ONE_LINE}]")   # one line
BEFORE, AFTER = 60, 120          # characters of context shown around a match


class BadQuery(DomainError):
    """A query the service will not run: too long, empty once normalized, or with control characters."""

    code = "bad_query"


@dataclass(frozen=True)
class Excerpt:
    """The matching text around the match: ``before`` + ``hit`` + ``after`` (plain text; each face escapes)."""

    before: str
    hit: str
    after: str

    def as_json(self) -> dict[str, str]:
        return {"before": self.before, "match": self.hit, "after": self.after}


@dataclass(frozen=True)
class Match:
    """Where a story matched: a localized field (``where`` is its role) or a source snippet."""

    where: str                     # title, point, quote or source
    source_index: int | None       # the snippet it comes from (``from``)
    localized: LocalizedField
    excerpt: Excerpt

    def as_json(self) -> dict[str, Any]:
        return {**self.localized.as_json(), "in": self.where, "from": self.source_index,
                "excerpt": self.excerpt.as_json()}


@dataclass(frozen=True)
class SearchResult:
    id: str
    published: dt.date
    title: LocalizedItem
    first_point: LocalizedItem | None
    match: Match | None


@dataclass(frozen=True)
class SearchPage:
    query: str
    results: list[SearchResult]
    next: RankedCursor | None


def locate(text: str, query: str) -> tuple[int, int] | None:
    """Where ``query`` (in ``search_form``) is in ``text``, in ``text``'s own characters.

    Each base character is folded with the combining marks after it (so a half-width katakana
    and its voiced mark compose as they do in the index), white space runs count as one space.
    """
    at = search_form(text).find(query)        # one pass in C: most fields stop here
    if at < 0:
        return None
    enough = at + len(query) + 8               # map only as far as the match (and a little slack)
    folded: list[str] = []
    origin: list[tuple[int, int]] = []
    start, space = 0, True
    while start < len(text) and len(folded) < enough:
        end = start + 1
        while end < len(text) and (unicodedata.combining(text[end]) or text[end] in "\uff9e\uff9f"):
            end += 1
        for char in fold(text[start:end]):
            if char.isspace():
                if space:
                    continue
                char, space = " ", True
            else:
                space = False
            folded.append(char)
            origin.append((start, end))
        start = end
    found = "".join(folded).find(query)
    if found < 0:
        return None
    return origin[found][0], origin[found + len(query) - 1][1]


def excerpt(text: str, span: tuple[int, int]) -> Excerpt:
    start, end = span
    before, after = text[max(0, start - BEFORE):start], text[end:end + AFTER]
    return Excerpt(("…" if start > BEFORE else "") + before, text[start:end],
                   after + ("…" if end + AFTER < len(text) else ""))


class Searching:
    """The search use cases over one store; ``page_size`` bounds every page, ``max_chars`` a query."""

    def __init__(self, store: Store, page_size: int, max_chars: int):
        self.store, self.page_size, self.max_chars = store, page_size, max_chars

    def query(self, raw: str | None) -> str:
        """The query as the index compares it, or ``BadQuery`` saying what is wrong."""
        raw = raw or ""
        too_long = BadQuery(f"the query is over {self.max_chars} characters (KAKEHASHI_MAX_SEARCH_CHARS); "
                            "search for fewer words", code="query_too_long")
        if len(raw) > self.max_chars:
            raise too_long
        found = _CONTROL.search(raw)
        if found:
            raise BadQuery(f"the query must not contain control or bidi-override characters (found "
                           f"U+{ord(found.group()):04X}); type it on one line", code="query_control_characters")
        query = search_form(raw)
        if not query:
            raise BadQuery("the query is empty: type a word or a name to search for", code="empty_query")
        if len(query) > self.max_chars:        # NFKC can lengthen a text (㍿ is four characters)
            raise too_long
        return query

    def validity(self) -> Validity:
        """Any change at all can change a search's answer: the site's generation."""
        site = self.store.probes.site()
        return Validity(site.generation, site.changed_at, site.ui_generation)

    def search(self, lang: str, query: str, cursor: RankedCursor | None, limit: int | None = None) -> SearchPage:
        """Stories matching ``query`` (from ``query()``) in ``lang``, best first, after ``cursor``."""
        limit = limit or self.page_size
        with self.store.reading() as session:
            hits = index.search(session, lang, query, limit + 1, cursor.position if cursor else None)
            shown = hits[:limit]
            ids = [hit.story_id for hit in shown]
            fields = reads.fields_of(session, ids, roles=index.ROLES)
            # snippets only where nothing the reader is served matched (rank SOURCE): they are long
            snippets = reads.snippets_of(session, [hit.story_id for hit in shown if hit.rank == index.SOURCE])
            items = localize_fields([f for story_id in ids for f in fields[story_id]], lang, resolver_for(session))
        results = []
        for hit in shown:
            mine = [items[(f.story_id, f.position)] for f in fields[hit.story_id]]
            title = next((item for item in mine if item.field.role == "title"), None)
            if title is None:           # every summary has a title; a story without one is not shown
                continue
            first_point = next((item for item in mine if item.field.role == "point"), None)
            results.append(SearchResult(hit.story_id, hit.published, title, first_point,
                                        _match(query, mine, snippets.get(hit.story_id, []))))
        following = RankedCursor(shown[-1].rank, shown[-1].published, shown[-1].story_id) if len(hits) > limit else None
        return SearchPage(query, results, following)


def _match(query: str, items: list[LocalizedItem], snippets: list[Snippet]) -> Match | None:
    """The first field the reader sees that holds the query (title, points, quotes), else the
    first source snippet (its text, else its attribution)."""
    for role in index.ROLES:
        for item in items:
            if item.field.role == role:
                span = locate(item.localized.text, query)
                if span:
                    return Match(role, item.field.source_index, item.localized, excerpt(item.localized.text, span))
    for position, snippet in enumerate(snippets):
        for value in (snippet.text, snippet.attribution):
            span = locate(value, query)
            if span:
                source = LocalizedField(text=value, lang=snippet.lang, provenance="source",
                                        source_lang=snippet.lang, source_text=value)
                return Match("source", position, source, excerpt(value, span))
    return None

