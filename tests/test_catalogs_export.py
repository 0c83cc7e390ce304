"""``export``: real files, checked with msgfmt and read back with polib as a translator's tool would."""
from __future__ import annotations

import datetime as dt

import polib
import pytest

from catalog_fixtures import DEMO_FIELDS, FakeMachine, drop_story, ko_po, msgfmt_check, put_story
from service.catalogs import CatalogError, po_path, pot_path
from service.catalogs.export import export_catalogs
from service.catalogs.importer import import_catalog
from service.store.translations import StoredHumanTranslations

DAY1 = dt.datetime(2025, 9, 1, 9, 30, tzinfo=dt.timezone.utc)
DAY2 = dt.datetime(2025, 9, 2, 9, 30, tzinfo=dt.timezone.utc)
TITLE = DEMO_FIELDS[0][2]
POINT = DEMO_FIELDS[1][2]


def export(store, directory, now=DAY1, **kwargs):
    results = export_catalogs(store, directory, now=now, **kwargs)
    for result in results:
        msgfmt_check(result.path)
    return results


def translate(path, context, msgid, text, fuzzy=False):
    """What a translator does in Poedit & co., done with polib."""
    po = polib.pofile(str(path))
    entry = po.find(msgid, msgctxt=context)
    entry.msgstr = text
    if not fuzzy and "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    po.save()


def test_export_writes_template_and_every_language(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    pot = polib.pofile(str(pot_path(catalog_dir)))
    assert len(pot) == len(DEMO_FIELDS)
    ko = polib.pofile(str(ko_po(catalog_dir)))
    assert ko.metadata["Language"] == "ko" and ko.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in ko.metadata["Content-Type"]
    assert [e.msgctxt for e in ko] == ["visit/title", "visit/point", "visit/point", "visit/quote", "visit/heading"]
    assert ko[0].occurrences == [("stories/visit", "0")]
    en = polib.pofile(str(po_path(catalog_dir, "en")))
    assert [e.msgid for e in en] == [DEMO_FIELDS[3][2]], "en needs only the Japanese-source fields"
    assert en.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    ja = polib.pofile(str(po_path(catalog_dir, "ja")))
    assert len(ja) == 4 and all(e.msgid != DEMO_FIELDS[3][2] for e in ja)
    assert ja.metadata["Language"] == "ja"


def test_reexport_with_nothing_changed_is_byte_identical(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "visit/title", TITLE, "이재명, 일본 첫 공식 방문")
    export(demo_store, catalog_dir, now=DAY2)           # normalizes the translator's save once
    files = sorted(catalog_dir.rglob("*.po*"))
    before = {path: path.read_bytes() for path in files}
    results = export(demo_store, catalog_dir, now=DAY2 + dt.timedelta(days=5))
    assert not any(r.written for r in results)
    assert {path: path.read_bytes() for path in files} == before
    assert b"2025-09-07" not in b"".join(before.values())


def test_dates_move_only_when_content_changes(demo_store, catalog_dir):
    export(demo_store, catalog_dir, now=DAY1)
    export(demo_store, catalog_dir, now=DAY2)
    assert polib.pofile(str(ko_po(catalog_dir))).metadata["PO-Revision-Date"] == "2025-09-01 09:30+0000"
    put_story(demo_store, "second", [("title", "ja", "二つ目の記事")])
    results = {r.lang: r for r in export(demo_store, catalog_dir, now=DAY2)}
    assert results["ko"].written and results["en"].written and not results["ja"].written
    ko = polib.pofile(str(ko_po(catalog_dir)))
    assert ko.metadata["PO-Revision-Date"] == "2025-09-02 09:30+0000"
    assert polib.pofile(str(pot_path(catalog_dir))).metadata["POT-Creation-Date"] == "2025-09-02 09:30+0000"


def test_source_edit_keeps_old_translation_fuzzy_with_previous_msgid(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "visit/point", POINT, "이 대통령은 8월 25일 워싱턴에서 트럼프를 만나기 전 도쿄를 첫 방문지로 택했다.")
    import_catalog(demo_store, catalog_dir, "ko")
    edited = POINT.replace("August 25", "Monday, August 25")
    put_story(demo_store, "visit", [DEMO_FIELDS[0], ("point", "en", edited, 1), *DEMO_FIELDS[2:]])
    human = StoredHumanTranslations(demo_store)
    assert human.lookup("ko", {("visit/point", edited)}) == {}, "a changed source is not served as human"

    export(demo_store, catalog_dir, now=DAY2)
    po = polib.pofile(str(ko_po(catalog_dir)))
    entry = po.find(edited, msgctxt="visit/point")
    assert entry.fuzzy and entry.previous_msgid == POINT
    assert entry.msgstr.startswith("이 대통령은")
    old = [e for e in po.obsolete_entries() if e.msgid == POINT]
    assert old and old[0].msgstr == entry.msgstr and not old[0].fuzzy, "the reviewed original is kept"

    put_story(demo_store, "visit", DEMO_FIELDS)        # the edit is reverted
    export(demo_store, catalog_dir, now=DAY2)
    back = polib.pofile(str(ko_po(catalog_dir))).find(POINT, msgctxt="visit/point")
    assert back.msgstr.startswith("이 대통령은") and not back.fuzzy


def test_removed_field_becomes_obsolete_and_comes_back(demo_store, catalog_dir):
    put_story(demo_store, "other", [("title", "en", "Another story"), ("point", "en", "Only point.", 1)])
    export(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "other/title", "Another story", "다른 기사")
    drop_story(demo_store, "other")
    export(demo_store, catalog_dir, now=DAY2)
    po = polib.pofile(str(ko_po(catalog_dir)))
    assert po.find("Another story", msgctxt="other/title") is None
    assert [(e.msgid, e.msgstr) for e in po.obsolete_entries()] == [("Another story", "다른 기사")]
    put_story(demo_store, "other", [("title", "en", "Another story"), ("point", "en", "Only point.", 1)])
    export(demo_store, catalog_dir, now=DAY2)
    po = polib.pofile(str(ko_po(catalog_dir)))
    assert po.find("Another story", msgctxt="other/title").msgstr == "다른 기사"
    assert not po.obsolete_entries()


def test_machine_suggestions_are_fuzzy_and_name_the_engine(demo_store, catalog_dir):
    machine = FakeMachine({("ko", "en", TITLE): ("이재명, 일본 첫 방문", "argos:en-ko:1.1"),
                           ("ko", "ja", DEMO_FIELDS[3][2]): ("대한민국 이재명 대통령을 맞이했습니다. pic.twitter.com/DVFAgKVJgA",
                                                             "argos:ja-en-ko:1.0")})
    export(demo_store, catalog_dir, machine=machine)
    po = polib.pofile(str(ko_po(catalog_dir)))
    title = po.find(TITLE, msgctxt="visit/title")
    assert title.fuzzy and title.msgstr == "이재명, 일본 첫 방문"
    assert "machine translation by argos:en-ko:1.1, not reviewed" in title.comment
    assert po.find(POINT, msgctxt="visit/point").msgstr == ""
    untouched = FakeMachine({("ko", "en", TITLE): ("다른 제안", "argos:en-ko:2.0")})
    export(demo_store, catalog_dir, machine=untouched)
    assert polib.pofile(str(ko_po(catalog_dir))).find(TITLE, msgctxt="visit/title").msgstr == "이재명, 일본 첫 방문"


def test_store_translations_come_back_when_the_file_is_lost(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "visit/title", TITLE, "이재명, 일본 방문")
    import_catalog(demo_store, catalog_dir, "ko")
    ko_po(catalog_dir).unlink()
    export(demo_store, catalog_dir)
    entry = polib.pofile(str(ko_po(catalog_dir))).find(TITLE, msgctxt="visit/title")
    assert entry.msgstr == "이재명, 일본 방문" and not entry.fuzzy


def test_a_broken_catalog_is_never_overwritten(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    broken = ko_po(catalog_dir).read_bytes() + b'\nmsgctxt "visit/point"\nmsgid "unfinished\n'
    ko_po(catalog_dir).write_bytes(broken)
    put_story(demo_store, "second", [("title", "en", "Second story")])
    with pytest.raises(CatalogError) as caught:
        export_catalogs(demo_store, catalog_dir, now=DAY2)
    assert str(caught.value).startswith(f"{ko_po(catalog_dir)}:")
    assert ko_po(catalog_dir).read_bytes() == broken
    assert b"Second story" in po_path(catalog_dir, "ja").read_bytes(), "the other languages are still exported"


def test_identical_text_in_one_story_is_one_entry_listing_both_uses(catalog_store, catalog_dir):
    put_story(catalog_store, "dup", [("title", "en", "Same words", 0), ("heading", "en", "Part", 2),
                                     ("heading", "en", "Part", 5)])
    export(catalog_store, catalog_dir)
    entries = [e for e in polib.pofile(str(ko_po(catalog_dir))) if e.msgid == "Part"]
    assert len(entries) == 1 and entries[0].occurrences == [("stories/dup", "2"), ("stories/dup", "5")]


def test_lost_file_and_changed_source_get_the_stored_translation_as_fuzzy(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "visit/title", TITLE, "이재명, 첫 일본 방문")
    import_catalog(demo_store, catalog_dir, "ko")
    ko_po(catalog_dir).unlink()
    new_title = TITLE + " this week"
    put_story(demo_store, "visit", [("title", "en", new_title, 0), *DEMO_FIELDS[1:]])
    export(demo_store, catalog_dir, now=DAY2)
    po = polib.pofile(str(ko_po(catalog_dir)))
    entry = po.find(new_title, msgctxt="visit/title")
    assert entry.fuzzy and entry.previous_msgid == TITLE and entry.msgstr == "이재명, 첫 일본 방문"
    assert [(e.msgid, e.msgstr) for e in po.obsolete_entries()] == [(TITLE, "이재명, 첫 일본 방문")]

    for obsolete in po.obsolete_entries():         # the translator purges #~ entries
        po.remove(obsolete)
    po.save()
    import_catalog(demo_store, catalog_dir, "ko")
    export(demo_store, catalog_dir, now=DAY2)
    assert not polib.pofile(str(ko_po(catalog_dir))).obsolete_entries(), "a purge sticks"
    put_story(demo_store, "visit", DEMO_FIELDS)     # ...and the store still brings the original back
    export(demo_store, catalog_dir, now=DAY2)
    back = polib.pofile(str(ko_po(catalog_dir))).find(TITLE, msgctxt="visit/title")
    assert back.msgstr == "이재명, 첫 일본 방문" and not back.fuzzy


def save_during_merge(monkeypatch, path, saves):
    """A translator saves ``path`` while an export is between reading it and replacing it:
    ``saves`` are done one per read of that file, right after the export read it."""
    from service.catalogs import export as module

    original = module._read_existing
    pending = list(saves)

    def read_then_someone_saves(read_path, *args):
        result = original(read_path, *args)
        if read_path == path and pending:
            pending.pop(0)()
        return result

    monkeypatch.setattr(module, "_read_existing", read_then_someone_saves)
    return pending


def test_a_save_during_export_is_merged_not_overwritten(demo_store, catalog_dir, monkeypatch):
    export(demo_store, catalog_dir)
    put_story(demo_store, "second", [("title", "en", "Second story")])     # so the export writes
    path = ko_po(catalog_dir)
    pending = save_during_merge(monkeypatch, path, [lambda: translate(path, "visit/title", TITLE, "저장 중의 번역")])
    results = {r.lang: r for r in export(demo_store, catalog_dir, now=DAY2)}
    assert not pending and results["ko"].written
    po = polib.pofile(str(path))
    assert po.find(TITLE, msgctxt="visit/title").msgstr == "저장 중의 번역", "the translator's save is kept"
    assert po.find("Second story", msgctxt="second/title") is not None, "and the export is merged into it"


def test_a_file_that_keeps_changing_is_left_alone_with_one_line(demo_store, catalog_dir, monkeypatch):
    export(demo_store, catalog_dir)
    put_story(demo_store, "second", [("title", "en", "Second story")])
    path = ko_po(catalog_dir)
    saves = [lambda n=n: translate(path, "visit/title", TITLE, f"번역 {n}") for n in range(10)]
    pending = save_during_merge(monkeypatch, path, saves)
    with pytest.raises(CatalogError) as caught:
        export_catalogs(demo_store, catalog_dir, now=DAY2)
    assert str(caught.value) == (f"{path}:0: changed while being exported, 3 times in a row (is someone saving "
                                 "it?); left as it is, export again")
    assert len(pending) == 7
    po = polib.pofile(str(path))
    assert po.find(TITLE, msgctxt="visit/title").msgstr == "번역 2", "the last save is what is on disk"
    assert po.find("Second story", msgctxt="second/title") is None
    assert not list(catalog_dir.rglob("*.tmp")), "no temporary file is left behind"
    assert b"Second story" in po_path(catalog_dir, "ja").read_bytes(), "the other languages are still exported"
