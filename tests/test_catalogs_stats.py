"""Coverage numbers (``catalog stats``, ``/<lang>/translate``, ``/api/v1/coverage``): right, and
with a cost that does not grow in lookups or queries with the number of stories."""
from __future__ import annotations

from collections import Counter

from catalog_fixtures import FakeMachine, put_story
from sqlalchemy import event

from service.store.translations import StoredHumanTranslations
from service.catalogs.stats import coverage_report
from service.domain import source_hash
from service.localize import Resolver
from service.store import HumanTranslationRow


class Counting:
    """A lookup seam that counts its calls per language."""

    def __init__(self, inner):
        self.inner, self.calls = inner, Counter()

    def lookup(self, lang, keys):
        self.calls[lang] += 1
        return self.inner.lookup(lang, keys)


def add_stories(store, count):
    for n in range(count):
        put_story(store, f"story-{n}", [("title", "en", f"Title {n}", 0), ("point", "ja", f"要点{n}です。", 1)])
    with store.transaction() as session:
        session.add(HumanTranslationRow(lang="ko", context="story-0/title", source_hash=source_hash("en", "Title 0"),
                                        source_text="Title 0", text="제목 0"))


def make_resolver(store):
    machine = FakeMachine({("ko", "ja", "要点1です。"): ("요점 1", "argos:ja-ko:1.0")})
    return Resolver(human=Counting(StoredHumanTranslations(store)), machine=Counting(machine))


def test_one_lookup_per_language_whatever_the_number_of_stories(catalog_store, catalog_dir):
    add_stories(catalog_store, 5)
    resolver = make_resolver(catalog_store)
    report = coverage_report(catalog_store, resolver, catalog_dir, ["en", "ko", "ja"], title_lang="ko")
    assert resolver.human.calls == {"en": 1, "ko": 1, "ja": 1}
    assert resolver.machine.calls == {"en": 1, "ko": 1, "ja": 1}
    ko = report["languages"]["ko"]
    assert (ko["fields"], ko["human"], ko["machine"], ko["source"]) == (10, 1, 1, 8)
    assert ko["catalog"] == "missing"
    by_id = {row["id"]: row for row in report["stories"]}
    assert by_id["story-0"]["title"]["text"] == "제목 0" and by_id["story-0"]["title"]["provenance"] == "human"
    assert by_id["story-1"]["languages"]["ko"] == {"fields": 2, "native": 0, "human": 0, "machine": 1,
                                                   "source": 1, "fuzzy": 0}
    assert by_id["story-3"]["languages"]["en"]["native"] == 1

    resolver = make_resolver(catalog_store)
    report = coverage_report(catalog_store, resolver, catalog_dir, ["en"], title_lang="ko")
    assert resolver.human.calls == {"en": 1, "ko": 1}, "titles in another language: one more batch, not one per story"
    assert [row["title"]["text"] for row in report["stories"] if row["id"] in ("story-0", "story-2")] == \
        ["제목 0", "Title 2"]


def test_queries_do_not_grow_with_the_number_of_stories(catalog_store, catalog_dir):
    statements = []
    event.listen(catalog_store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    add_stories(catalog_store, 2)
    counts = {}
    for total in (2, 8):
        for n in range(2, total):
            put_story(catalog_store, f"story-{n}", [("title", "en", f"Title {n}", 0), ("point", "ja", f"要点{n}です。", 1)])
        statements.clear()
        coverage_report(catalog_store, make_resolver(catalog_store), catalog_dir, ["en", "ko", "ja"], title_lang="ja")
        counts[total] = len(statements)
    assert counts[8] == counts[2], counts
