"""Coverage numbers (``catalog stats``, ``/<lang>/translate``, ``/api/v1/coverage``): right, and
with a cost that does not grow in queries with the number of stories."""
from __future__ import annotations

from sqlalchemy import event

from service.core.domain import source_hash
from service.store import HumanTranslationRow
from service.store.catalogs import replace_story_fuzzy
from service.usecases.coverage import coverage_report
from support.catalog_fixtures import put_machine, put_story


def add_stories(store, count):
    for n in range(count):
        put_story(store, f"story-{n}", [("title", "en", f"Title {n}", 0), ("point", "ja", f"要点{n}です。", 1)])
    with store.transaction() as session:
        session.add(HumanTranslationRow(lang="ko", context="story-0/title", source_hash=source_hash("en", "Title 0"),
                                        source_text="Title 0", text="제목 0"))
    put_machine(store, "ko", "ja", "要点1です。", "요점 1", engine="argos:ja-ko:1.0")


def test_totals_and_story_rows_agree_with_what_readers_see(catalog_store, catalog_dir):
    add_stories(catalog_store, 5)
    with catalog_store.transaction() as session:
        replace_story_fuzzy(session, "ko", ["story-2"], {("story-2/point", source_hash("ja", "要点2です。"))})
    report = coverage_report(catalog_store, catalog_dir, ["en", "ko", "ja"], title_lang="ko")
    ko = report["languages"]["ko"]
    assert (ko["fields"], ko["human"], ko["machine"], ko["source"], ko["fuzzy"]) == (10, 1, 1, 8, 1)
    assert ko["catalog"] == "missing"
    assert report["languages"]["en"]["native"] == 5 and report["languages"]["ja"]["native"] == 5
    by_id = {row["id"]: row for row in report["stories"]}
    assert by_id["story-0"]["title"]["text"] == "제목 0" and by_id["story-0"]["title"]["provenance"] == "human"
    assert by_id["story-1"]["languages"]["ko"] == {"fields": 2, "native": 0, "human": 0, "machine": 1,
                                                   "source": 1, "untranslated": 1, "fuzzy": 0,
                                                   "file": "ko/LC_MESSAGES/content/2025-08/story-1.po"}
    assert by_id["story-2"]["languages"]["ko"]["fuzzy"] == 1
    assert by_id["story-3"]["languages"]["en"]["native"] == 1
    counted = [name for name in ko if name not in ("catalog", "broken_files")]
    totals = {name: sum(row["languages"]["ko"][name] for row in report["stories"]) for name in counted}
    assert totals == {name: ko[name] for name in counted}


def test_story_rows_come_in_pages_and_totals_cover_every_story(catalog_store, catalog_dir):
    add_stories(catalog_store, 5)
    seen, cursor = [], None
    while True:
        report = coverage_report(catalog_store, catalog_dir, ["ko"], cursor=cursor, limit=2)
        assert report["languages"]["ko"]["fields"] == 10
        seen += [row["id"] for row in report["stories"]]
        cursor = report["next"]
        if cursor is None:
            break
    assert sorted(seen) == [f"story-{n}" for n in range(5)] and len(seen) == 5


def test_queries_do_not_grow_with_the_number_of_stories(catalog_store, catalog_dir):
    statements = []
    event.listen(catalog_store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    add_stories(catalog_store, 2)
    counts = {}
    for total in (2, 8):
        for n in range(2, total):
            put_story(catalog_store, f"story-{n}", [("title", "en", f"Title {n}", 0), ("point", "ja", f"要点{n}です。", 1)])
        statements.clear()
        coverage_report(catalog_store, catalog_dir, ["en", "ko", "ja"], title_lang="ja")
        counts[total] = len(statements)
    assert counts[8] == counts[2], counts
