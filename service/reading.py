"""What a reader gets of a story in one language: every field localized, plus coverage.

Pages and API both render this, so the two can never disagree about provenance.
"""
from __future__ import annotations

from dataclasses import dataclass

from .domain import Field, LocalizedField, Story
from .localize import Resolver, coverage


@dataclass(frozen=True)
class LocalizedItem:
    field: Field
    localized: LocalizedField

    def as_json(self, with_attribution: bool = False) -> dict:
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
    def coverage(self) -> dict[str, int]:
        items = [self.title, *self.points, *self.quotes, *self.headings]
        return coverage(item.localized for item in items)

    @property
    def engines(self) -> list[str]:
        """The machine-translation engines that made any text of this view, for the footnote."""
        items = [self.title, *self.points, *self.quotes, *self.headings]
        return sorted({item.localized.engine for item in items if item.localized.engine})

    def heading_for(self, source_index: int) -> LocalizedItem | None:
        return next((h for h in self.headings if h.field.source_index == source_index), None)


def localize_stories(stories: list[Story], lang: str, resolver: Resolver) -> list[LocalizedStory]:
    """Localize several stories with one batched lookup per kind of translation."""
    all_fields = [f for story in stories for f in story.fields]
    localized = dict(zip(((f.story_id, f.position) for f in all_fields), resolver.localize(all_fields, lang), strict=True))
    result = []
    for story in stories:
        items = {role: [LocalizedItem(f, localized[(f.story_id, f.position)]) for f in story.fields_with_role(role)]
                 for role in ("title", "point", "quote", "heading")}
        result.append(LocalizedStory(story=story, lang=lang, title=items["title"][0], points=items["point"],
                                     quotes=items["quote"], headings=items["heading"]))
    return result


def localize_story(story: Story, lang: str, resolver: Resolver) -> LocalizedStory:
    return localize_stories([story], lang, resolver)[0]
