"""Reading use cases: what a reader gets of a story or of a page of stories, in one language.

Pages and API both render these, so the two can never disagree about provenance. Each build
uses one session (one consistent snapshot) and plain selects; each ``*_validity`` is the one
cheap query a request makes to know whether its cached document is still current.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..core.cursor import Cursor
from ..core.domain import Field, LocalizedField, Story
from ..core.localize import Resolver, coverage
from ..core.pivot import PIVOT, route_label, routes
from ..store import Session, Store, reads
from ..store.engines import installed_engines
from ..store.translations import SessionHumanTranslations, SessionMachineTranslations, current_engines
from ..store.versions import SiteVersion
from .documents import Validity


@dataclass(frozen=True)
class LocalizedItem:
    field: Field
    localized: LocalizedField

    def as_json(self, with_attribution: bool = False) -> dict[str, Any]:
        data = self.localized.as_json()
        data["from"] = self.field.source_index
        if with_attribution:
            data["attribution"] = self.field.attribution
        return data


@dataclass(frozen=True)
class LocalizedStory:
    story: Story
    lang: str
    title: LocalizedItem
    points: list[LocalizedItem]
    quotes: list[LocalizedItem]
    headings: list[LocalizedItem]

    @property
    def items(self) -> list[LocalizedItem]:
        return [self.title, *self.points, *self.quotes, *self.headings]

    @property
    def coverage(self) -> dict[str, int]:
        return coverage(item.localized for item in self.items)

    @property
    def engines(self) -> list[str]:
        """The machine-translation engines that made any text of this view, for the footnote."""
        return sorted({item.localized.engine for item in self.items if item.localized.engine})

    def heading_for(self, source_index: int) -> LocalizedItem | None:
        return next((h for h in self.headings if h.field.source_index == source_index), None)


@dataclass(frozen=True)
class StoryCard:
    """One story in a list: its localized title and first point."""

    id: str
    published: dt.date
    updated_at: dt.datetime
    title: LocalizedItem
    first_point: LocalizedItem | None


@dataclass(frozen=True)
class StoryPage:
    cards: list[StoryCard]
    next: Cursor | None


def resolver_for(session: Session) -> Resolver:
    """The resolver reading inside ``session``: human, then current machine, then source."""
    engines = current_engines(session)
    return Resolver(human=SessionHumanTranslations(session), machine=SessionMachineTranslations(session, engines),
                    engines=engines)


def localize_fields(fields: list[Field], lang: str, resolver: Resolver) -> dict[tuple[str, int], LocalizedItem]:
    """Every field localized with one batched lookup per kind of translation."""
    return {(f.story_id, f.position): LocalizedItem(f, item)
            for f, item in zip(fields, resolver.localize(fields, lang), strict=True)}


def localized_story(story: Story, lang: str, resolver: Resolver) -> LocalizedStory:
    items = localize_fields(list(story.fields), lang, resolver)
    by_role = {role: [items[(f.story_id, f.position)] for f in story.fields_with_role(role)]
               for role in ("title", "point", "quote", "heading")}
    return LocalizedStory(story=story, lang=lang, title=by_role["title"][0], points=by_role["point"],
                          quotes=by_role["quote"], headings=by_role["heading"])


class Reading:
    """The reading use cases over one store; ``page_size`` bounds every list."""

    def __init__(self, store: Store, page_size: int):
        self.store = store
        self.page_size = page_size
        self._engines: tuple[int, dict[tuple[str, str], str]] | None = None

    # -- validity: one cheap query per request ------------------------------------------------
    def story_validity(self, story_id: str) -> Validity | None:
        version = self.store.probes.story(story_id)
        if version is None:
            return None
        return Validity((version.version, version.engines_generation), version.last_modified, version.ui_generation)

    def page_validity(self, cursor: Cursor | None, limit: int) -> Validity:
        """A page is current while its stories (and their versions) and the engines are."""
        stamps, site = self.store.probes.page(limit + 1, cursor.position if cursor else None)
        return Validity((stamps, site.engines_generation), site.changed_at, site.ui_generation)

    def site_validity(self) -> Validity:
        """For documents over every story (coverage): any change at all."""
        site = self.store.probes.site()
        return Validity(site.generation, site.changed_at, site.ui_generation)

    def engines_validity(self) -> Validity:
        site = self.store.probes.site()
        return Validity(site.engines_generation, site.engines_changed_at)

    def site(self) -> SiteVersion:
        """The site's versions now (one cheap query; a face that asks several times in one
        answer keeps the first, e.g. the LibreTranslate face)."""
        return self.store.probes.site()

    def engines(self, site: SiteVersion | None = None) -> dict[tuple[str, str], str]:
        """The engine that makes machine text current, per translatable pair (read again only
        when the store's engines generation moved); ``site``: versions the caller read already."""
        generation = (site or self.site()).engines_generation
        cached = self._engines
        if cached is not None and cached[0] == generation:
            return dict(cached[1])
        with self.store.reading() as session:
            found = current_engines(session)
        self._engines = (generation, found)
        return dict(found)

    def models(self) -> dict[str, Any]:
        """Installed pairs and pivots as the workers published them (web machines have no models)."""
        with self.store.reading() as session:
            direct = installed_engines(session)
        installed = [{"pair": f"{s}-{t}", "from": s, "to": t, "engine": label}
                     for (s, t), label in sorted(direct.items())]
        pivots = [{"pair": f"{s}-{t}", "from": s, "to": t, "via": PIVOT, "engine": route_label(route)}
                  for (s, t), route in sorted(routes(direct).items()) if len(route) > 1]
        return {"installed": installed, "pivots": pivots}

    # -- builds: one session each -----------------------------------------------------------
    def story(self, story_id: str, lang: str) -> LocalizedStory | None:
        with self.store.reading() as session:
            found = reads.story(session, story_id)
            return localized_story(found, lang, resolver_for(session)) if found else None

    def committed(self, story: Story, lang: str) -> LocalizedStory:
        """A story just written, localized as ``story()`` localizes the stored one (one session,
        the same resolver), so a write's answer says what a GET right after it says."""
        with self.store.reading() as session:
            return localized_story(story, lang, resolver_for(session))

    def page(self, lang: str, cursor: Cursor | None, limit: int | None = None) -> StoryPage:
        """Newest-first stories after ``cursor``: titles and first points, localized."""
        limit = limit or self.page_size
        with self.store.reading() as session:
            stamps = reads.newest(session, limit + 1, cursor.position if cursor else None)
            shown = stamps[:limit]
            fields = reads.fields_of(session, [s.id for s in shown], roles=("title", "point"))
            flat = [f for s in shown for f in _title_and_first_point(fields[s.id])]
            items = localize_fields(flat, lang, resolver_for(session))
        cards = []
        for stamp in shown:
            title, *point = [items[(f.story_id, f.position)] for f in _title_and_first_point(fields[stamp.id])]
            cards.append(StoryCard(stamp.id, stamp.published, stamp.updated_at, title, point[0] if point else None))
        following = Cursor(*shown[-1].position) if len(stamps) > limit else None
        return StoryPage(cards, following)


def _title_and_first_point(fields: list[Field]) -> list[Field]:
    """Every story has a title field (the summary always makes one); lists show its first point."""
    titles = [f for f in fields if f.role == "title"]
    points = [f for f in fields if f.role == "point"]
    return titles[:1] + points[:1]
