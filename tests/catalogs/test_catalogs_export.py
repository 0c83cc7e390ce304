"""``export``: one real file per story and language, checked with msgfmt and read back with polib
and Babel as a translator's tool would; only what changed is written."""
from __future__ import annotations

import datetime as dt

import polib
import pytest
from babel.messages.pofile import read_po

from service.catalogs import CatalogError, CatalogLimits
from service.catalogs.export import export_catalogs
from service.catalogs.importer import import_file
from service.store.translations import StoredHumanTranslations
from support.catalog_fixtures import (
    DEMO_FIELDS,
    FakeMachine,
    drop_story,
    ko_po,
    msgfmt_check,
    put_story,
    story_file,
    story_template,
)

DAY1 = dt.datetime(2025, 9, 1, 9, 30, tzinfo=dt.timezone.utc)
DAY2 = dt.datetime(2025, 9, 2, 9, 30, tzinfo=dt.timezone.utc)
TITLE = DEMO_FIELDS[0][2]
POINT = DEMO_FIELDS[1][2]


def export(store, directory, now=DAY1, **kwargs):
    report = export_catalogs(store, directory, now=now, **kwargs)
    for path in sorted(directory.rglob("*.po")) + sorted(directory.rglob("*.pot")):
        msgfmt_check(path)
        with open(path, "rb") as handle:
            read_po(handle, abort_invalid=True)          # Babel reads back what polib reads below
    return report


def translate(path, context, msgid, text, fuzzy=False):
    """What a translator does in Poedit & co., done with polib."""
    po = polib.pofile(str(path))
    entry = po.find(msgid, msgctxt=context)
    entry.msgstr = text
    if not fuzzy and "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    if fuzzy and "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    po.save()


def import_ko(store, directory, story_id="visit"):
    return import_file(store, directory, story_file(directory, "ko", story_id))


def test_export_writes_one_file_per_story_and_language(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    pot = polib.pofile(str(story_template(catalog_dir)))
    assert len(pot) == len(DEMO_FIELDS)
    assert story_template(catalog_dir).relative_to(catalog_dir).as_posix() == "templates/content/2025-08/visit.pot"
    ko = polib.pofile(str(ko_po(catalog_dir)))
    assert ko_po(catalog_dir).relative_to(catalog_dir).as_posix() == "ko/LC_MESSAGES/content/2025-08/visit.po"
    assert ko.metadata["Language"] == "ko" and ko.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert "charset=UTF-8" in ko.metadata["Content-Type"]
    assert [e.msgctxt for e in ko] == ["visit/title", "visit/point", "visit/point", "visit/quote", "visit/heading"]
    assert ko[0].occurrences == [("stories/visit", "0")]
    en = polib.pofile(str(story_file(catalog_dir, "en")))
    assert [e.msgid for e in en] == [DEMO_FIELDS[3][2]], "en needs only the Japanese-source fields"
    assert en.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    ja = polib.pofile(str(story_file(catalog_dir, "ja")))
    assert len(ja) == 4 and all(e.msgid != DEMO_FIELDS[3][2] for e in ja)
    assert ja.metadata["Language"] == "ja"
    relative = {p.relative_to(catalog_dir / lang).as_posix() for lang in ("en", "ko", "ja")
                for p in (catalog_dir / lang).rglob("*.po")}
    assert relative == {"LC_MESSAGES/content/2025-08/visit.po"}, "every language has the same relative paths"


def test_a_story_with_nothing_to_translate_into_a_language_has_no_file_there(catalog_store, catalog_dir):
    put_story(catalog_store, "english", [("title", "en", "Only English"), ("point", "en", "One point.", 1)])
    export(catalog_store, catalog_dir)
    assert not story_file(catalog_dir, "en", "english").exists()
    assert story_file(catalog_dir, "ko", "english").exists() and story_file(catalog_dir, "ja", "english").exists()
    assert not export(catalog_store, catalog_dir).written


def test_reexport_with_nothing_changed_touches_nothing(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "visit/title", TITLE, "이재명, 일본 첫 공식 방문")
    import_ko(demo_store, catalog_dir)
    export(demo_store, catalog_dir, now=DAY2)           # normalizes the translator's save once
    files = sorted(catalog_dir.rglob("*.po*"))
    before = {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files}
    report = export(demo_store, catalog_dir, now=DAY2 + dt.timedelta(days=5))
    assert not report.written and report.skipped == 4 and report.unchanged == 0, "not even rendered"
    assert {path: (path.read_bytes(), path.stat().st_mtime_ns) for path in files} == before
    assert b"2025-09-07" not in b"".join(data for data, _ in before.values())


def test_one_changed_story_rewrites_only_its_files(demo_store, catalog_dir):
    for n in range(5):
        put_story(demo_store, f"other-{n}", [("title", "en", f"Other story {n}"), ("point", "ja", f"要点{n}。", 1)])
    export(demo_store, catalog_dir)
    stamps = {p: p.stat().st_mtime_ns for p in catalog_dir.rglob("*.po*")}
    put_story(demo_store, "other-3", [("title", "en", "Other story 3, edited"), ("point", "ja", "要点3。", 1)])
    report = export(demo_store, catalog_dir, now=DAY2)
    assert sorted(report.written) == ["ja/LC_MESSAGES/content/2025-08/other-3.po",
                                      "ko/LC_MESSAGES/content/2025-08/other-3.po",
                                      "templates/content/2025-08/other-3.pot"]
    assert report.unchanged == 1, "en: its only entry (the Japanese point) did not change"
    assert report.skipped == 6 * 4 - 4
    changed = {p for p in catalog_dir.rglob("*.po*") if p.stat().st_mtime_ns != stamps[p]}
    assert {p.name for p in changed} == {"other-3.po", "other-3.pot"}


def test_since_limits_the_work_to_recent_stories(catalog_store, catalog_dir):
    put_story(catalog_store, "old", [("title", "en", "Old story")], published=dt.date(2024, 1, 5))
    put_story(catalog_store, "new", [("title", "en", "New story")], published=dt.date(2025, 8, 30))
    report = export(catalog_store, catalog_dir, since=dt.date(2025, 8, 1))
    assert all("/2025-08/new." in path for path in report.written)
    assert not story_file(catalog_dir, "ko", "old", dt.date(2024, 1, 5)).exists()
    export(catalog_store, catalog_dir)
    assert story_file(catalog_dir, "ko", "old", dt.date(2024, 1, 5)).exists()


def test_dates_move_only_when_content_changes(demo_store, catalog_dir):
    export(demo_store, catalog_dir, now=DAY1)
    put_story(demo_store, "visit", DEMO_FIELDS)          # a new version, the same text
    export(demo_store, catalog_dir, now=DAY2)
    assert polib.pofile(str(ko_po(catalog_dir))).metadata["PO-Revision-Date"] == "2025-09-01 09:30+0000"
    put_story(demo_store, "visit", [("title", "en", TITLE + " again", 0), *DEMO_FIELDS[1:]])
    report = export(demo_store, catalog_dir, now=DAY2)
    assert "ko/LC_MESSAGES/content/2025-08/visit.po" in report.written
    assert "en/LC_MESSAGES/content/2025-08/visit.po" not in report.written
    ko = polib.pofile(str(ko_po(catalog_dir)))
    assert ko.metadata["PO-Revision-Date"] == "2025-09-02 09:30+0000"
    assert polib.pofile(str(story_template(catalog_dir))).metadata["POT-Creation-Date"] == "2025-09-02 09:30+0000"


def test_source_edit_keeps_old_translation_fuzzy_with_previous_msgid(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "visit/point", POINT, "이 대통령은 8월 25일 워싱턴에서 트럼프를 만나기 전 도쿄를 첫 방문지로 택했다.")
    import_ko(demo_store, catalog_dir)
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
    export(demo_store, catalog_dir)
    heading = DEMO_FIELDS[4][2]
    translate(ko_po(catalog_dir), "visit/heading", heading, "협력 재확인")
    put_story(demo_store, "visit", DEMO_FIELDS[:4])
    export(demo_store, catalog_dir, now=DAY2)
    po = polib.pofile(str(ko_po(catalog_dir)))
    assert po.find(heading, msgctxt="visit/heading") is None
    assert [(e.msgid, e.msgstr) for e in po.obsolete_entries()] == [(heading, "협력 재확인")]
    put_story(demo_store, "visit", DEMO_FIELDS)
    export(demo_store, catalog_dir, now=DAY2)
    po = polib.pofile(str(ko_po(catalog_dir)))
    assert po.find(heading, msgctxt="visit/heading").msgstr == "협력 재확인"
    assert not po.obsolete_entries()


def test_a_deleted_story_s_file_goes_away_and_its_translations_come_back(demo_store, catalog_dir):
    put_story(demo_store, "other", [("title", "en", "Another story"), ("point", "en", "Only point.", 1)])
    export(demo_store, catalog_dir)
    translate(story_file(catalog_dir, "ko", "other"), "other/title", "Another story", "다른 기사")
    import_ko(demo_store, catalog_dir, "other")
    drop_story(demo_store, "other")
    report = export(demo_store, catalog_dir, now=DAY2)
    assert sorted(report.removed) == ["ja/LC_MESSAGES/content/2025-08/other.po",
                                      "ko/LC_MESSAGES/content/2025-08/other.po", "templates/content/2025-08/other.pot"]
    assert not story_file(catalog_dir, "ko", "other").exists() and not story_file(catalog_dir, "ja", "other").exists()
    put_story(demo_store, "other", [("title", "en", "Another story"), ("point", "en", "Only point.", 1)])
    export(demo_store, catalog_dir, now=DAY2)
    entry = polib.pofile(str(story_file(catalog_dir, "ko", "other"))).find("Another story", msgctxt="other/title")
    assert entry.msgstr == "다른 기사" and not entry.fuzzy, "the store kept the translator's work"


def test_a_deleted_story_s_file_with_unimported_work_is_left_and_reported(demo_store, catalog_dir):
    put_story(demo_store, "other", [("title", "en", "Another story")])
    export(demo_store, catalog_dir)
    path = story_file(catalog_dir, "ko", "other")
    translate(path, "other/title", "Another story", "아직 가져오지 않은 번역")
    drop_story(demo_store, "other")
    report = export(demo_store, catalog_dir, now=DAY2)
    assert report.kept == ["ko/LC_MESSAGES/content/2025-08/other.po"]
    assert "아직 가져오지 않은 번역" in path.read_text(encoding="utf-8")
    assert any("left in place" in line for line in report.lines())
    with pytest.raises(CatalogError, match="there is no story other"):
        import_file(demo_store, catalog_dir, path)


def test_a_story_whose_month_changed_moves_folder_with_its_work(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "visit/title", TITLE, "이재명, 일본 방문")
    import_ko(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "visit/point", POINT, "아직 가져오지 않은 번역", fuzzy=True)
    put_story(demo_store, "visit", DEMO_FIELDS, published=dt.date(2025, 9, 1))
    export(demo_store, catalog_dir, now=DAY2)
    moved = story_file(catalog_dir, "ko", "visit", dt.date(2025, 9, 1))
    assert not ko_po(catalog_dir).exists() and moved.exists()
    po = polib.pofile(str(moved))
    assert po.find(TITLE, msgctxt="visit/title").msgstr == "이재명, 일본 방문"
    assert po.find(POINT, msgctxt="visit/point").msgstr == "아직 가져오지 않은 번역"
    assert import_file(demo_store, catalog_dir, moved).fuzzy == 1


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
    put_story(demo_store, "visit", DEMO_FIELDS)
    export(demo_store, catalog_dir, machine=untouched)
    assert polib.pofile(str(ko_po(catalog_dir))).find(TITLE, msgctxt="visit/title").msgstr == "이재명, 일본 첫 방문"


def test_a_translators_work_elsewhere_is_suggested_first(demo_store, catalog_dir):
    put_story(demo_store, "again", [("title", "en", "Another title"), ("heading", "en", DEMO_FIELDS[4][2], 1)])
    machine = FakeMachine({("ko", "en", DEMO_FIELDS[4][2]): ("기계 번역", "argos:en-ko:1.1")})
    export(demo_store, catalog_dir, machine=machine)
    translate(ko_po(catalog_dir), "visit/heading", DEMO_FIELDS[4][2], "협력과 지역 안보 재확인")
    import_ko(demo_store, catalog_dir)
    report = export(demo_store, catalog_dir, now=DAY2, machine=machine)
    assert "ko/LC_MESSAGES/content/2025-08/again.po" in report.written, "the other story's file is refreshed"
    entry = polib.pofile(str(story_file(catalog_dir, "ko", "again"))).find(DEMO_FIELDS[4][2], msgctxt="again/heading")
    assert entry.fuzzy and entry.msgstr == "협력과 지역 안보 재확인"
    assert "translator's text from story visit, not reviewed here" in entry.comment
    assert "machine translation" not in entry.comment


def test_store_translations_come_back_when_the_file_is_lost(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "visit/title", TITLE, "이재명, 일본 방문")
    import_ko(demo_store, catalog_dir)
    export(demo_store, catalog_dir)
    ko_po(catalog_dir).unlink()
    assert not export(demo_store, catalog_dir).written, "the store's record decides: no file is looked at"
    export(demo_store, catalog_dir, check_files=True)
    entry = polib.pofile(str(ko_po(catalog_dir))).find(TITLE, msgctxt="visit/title")
    assert entry.msgstr == "이재명, 일본 방문" and not entry.fuzzy


def test_a_file_the_watcher_saw_deleted_is_written_again(demo_store, catalog_dir, tmp_path):
    from service.catalogs.watcher import CatalogWatcher
    from service.core.config import Settings

    export(demo_store, catalog_dir)
    watcher = CatalogWatcher(Settings(instance_dir=tmp_path / "i", translations_dir=catalog_dir), demo_store,
                             settle_seconds=0)
    watcher.check_now()
    ko_po(catalog_dir).unlink()
    watcher.check_now()
    assert export(demo_store, catalog_dir).written == ["ko/LC_MESSAGES/content/2025-08/visit.po"]


def test_a_broken_catalog_is_never_overwritten(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    broken = ko_po(catalog_dir).read_bytes() + b'\nmsgctxt "visit/point"\nmsgid "unfinished\n'
    ko_po(catalog_dir).write_bytes(broken)
    put_story(demo_store, "visit", [("title", "en", TITLE + " (updated)", 0), *DEMO_FIELDS[1:]])
    with pytest.raises(CatalogError) as caught:
        export_catalogs(demo_store, catalog_dir, now=DAY2)
    assert str(caught.value).startswith(f"{ko_po(catalog_dir)}:")
    assert ko_po(catalog_dir).read_bytes() == broken
    assert b"(updated)" in story_file(catalog_dir, "ja").read_bytes(), "the other languages are still exported"


def test_a_file_stays_under_its_bound(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    po = polib.pofile(str(ko_po(catalog_dir)))
    for n in range(40):                      # a long history of reviewed, since-replaced texts
        po.append(polib.POEntry(msgctxt="visit/point", msgid=f"An old point {n}. " + "x" * 400,
                                msgstr=f"옛 요점 {n}. " + "가" * 400, obsolete=True))
    po.save()
    put_story(demo_store, "visit", DEMO_FIELDS)
    export(demo_store, catalog_dir, now=DAY2, limits=CatalogLimits(max_export_bytes=12_000))
    assert ko_po(catalog_dir).stat().st_size <= 12_000
    assert polib.pofile(str(ko_po(catalog_dir))).find(TITLE, msgctxt="visit/title") is not None


def test_identical_text_in_one_story_is_one_entry_listing_both_uses(catalog_store, catalog_dir):
    put_story(catalog_store, "dup", [("title", "en", "Same words", 0), ("heading", "en", "Part", 2),
                                     ("heading", "en", "Part", 5)])
    export(catalog_store, catalog_dir)
    entries = [e for e in polib.pofile(str(story_file(catalog_dir, "ko", "dup"))) if e.msgid == "Part"]
    assert len(entries) == 1 and entries[0].occurrences == [("stories/dup", "2"), ("stories/dup", "5")]


def test_lost_file_and_changed_source_get_the_stored_translation_as_fuzzy(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    translate(ko_po(catalog_dir), "visit/title", TITLE, "이재명, 첫 일본 방문")
    import_ko(demo_store, catalog_dir)
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
    import_ko(demo_store, catalog_dir)
    export(demo_store, catalog_dir, now=DAY2)
    assert not polib.pofile(str(ko_po(catalog_dir))).obsolete_entries(), "a purge sticks"
    put_story(demo_store, "visit", DEMO_FIELDS)     # ...and the store still brings the original back
    export(demo_store, catalog_dir, now=DAY2)
    back = polib.pofile(str(ko_po(catalog_dir))).find(TITLE, msgctxt="visit/title")
    assert back.msgstr == "이재명, 첫 일본 방문" and not back.fuzzy


def save_during_merge(path, saves):
    """A translator saves ``path`` while an export is between reading it and replacing it:
    ``saves`` are done one per read of that file, right after the export read it. Returns the
    saves not done yet and the ``after_read`` hook to export with."""
    pending = list(saves)

    def someone_saves(read_path):
        if read_path == path and pending:
            pending.pop(0)()

    return pending, someone_saves


def test_a_save_during_export_is_merged_not_overwritten(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    put_story(demo_store, "visit", [*DEMO_FIELDS, ("heading", "en", "A new part", 9)])     # so the export writes
    path = ko_po(catalog_dir)
    pending, after_read = save_during_merge(path, [lambda: translate(path, "visit/title", TITLE, "저장 중의 번역")])
    report = export(demo_store, catalog_dir, now=DAY2, after_read=after_read)
    assert not pending and "ko/LC_MESSAGES/content/2025-08/visit.po" in report.written
    po = polib.pofile(str(path))
    assert po.find(TITLE, msgctxt="visit/title").msgstr == "저장 중의 번역", "the translator's save is kept"
    assert po.find("A new part", msgctxt="visit/heading") is not None, "and the export is merged into it"


def test_a_file_that_keeps_changing_is_left_alone_with_one_line(demo_store, catalog_dir):
    export(demo_store, catalog_dir)
    put_story(demo_store, "visit", [*DEMO_FIELDS, ("heading", "en", "A new part", 9)])
    path = ko_po(catalog_dir)
    saves = [lambda n=n: translate(path, "visit/title", TITLE, f"번역 {n}") for n in range(10)]
    pending, after_read = save_during_merge(path, saves)
    with pytest.raises(CatalogError) as caught:
        export_catalogs(demo_store, catalog_dir, now=DAY2, after_read=after_read)
    assert str(caught.value) == (f"{path}:0: changed while being exported, 3 times in a row (is someone saving "
                                 "it?); left as it is, export again")
    assert len(pending) == 7
    po = polib.pofile(str(path))
    assert po.find(TITLE, msgctxt="visit/title").msgstr == "번역 2", "the last save is what is on disk"
    assert po.find("A new part", msgctxt="visit/heading") is None
    assert not list(catalog_dir.rglob("*.tmp")), "no temporary file is left behind"
    assert b"A new part" in story_file(catalog_dir, "ja").read_bytes(), "the other languages are still exported"


KO_TRANSLATIONS = {
    TITLE: "이재명, 첫 일본 공식 방문",
    POINT: "이 대통령은 8월 25일 워싱턴에서 트럼프를 만나기 전 도쿄를 첫 방문지로 택했다.",
    DEMO_FIELDS[2][2]: "회담은 안보 협력에 집중됐다. 보도는 https://apnews.com/article/lee-japan 참조.",
    DEMO_FIELDS[3][2]: "대한민국 이재명 대통령을 맞이했습니다. pic.twitter.com/DVFAgKVJgA",
    DEMO_FIELDS[4][2]: "협력과 지역 안보 재확인",
}


def test_pofilter_finds_nothing_wrong_with_our_own_text(demo_store, catalog_dir, tmp_path):
    """translate-toolkit's pofilter (the checks Weblate runs) over an export a translator filled.
    Its one verdict is on the translator's words, not ours: ``sentencecount``, because the
    translator made two sentences of "…ties; see … for the report." (Korean needs no capitals,
    which ``--language=ko`` tells pofilter; without it ``startcaps`` and ``simplecaps`` fire on
    every entry.) Headers, contexts, references and comments raise nothing."""
    import subprocess
    import sys
    from pathlib import Path

    export(demo_store, catalog_dir)
    po = polib.pofile(str(ko_po(catalog_dir)))
    for entry in po:
        entry.msgstr = KO_TRANSLATIONS[entry.msgid]
    po.save()
    import_ko(demo_store, catalog_dir)
    export(demo_store, catalog_dir, now=DAY2)
    pofilter = Path(sys.executable).with_name("pofilter")
    out = tmp_path / "pofilter"
    subprocess.run([str(pofilter), "--language=ko", "-i", str(catalog_dir / "ko"), "-o", str(out)],
                   check=True, capture_output=True)
    verdicts = [(entry.msgctxt, note.split(":")[0]) for path in out.rglob("*.po")
                for entry in polib.pofile(str(path)) for note in entry.tcomment.splitlines() if note.startswith("(pofilter)")]
    assert verdicts == [("visit/point", "(pofilter) sentencecount")]


def test_weblates_discovery_maps_one_component_per_story(demo_store, catalog_dir):
    """translation-finder is the library Weblate uses to find translation files in a repository:
    it sees each story as one gettext component, every language by the same relative path."""
    from translation_finder import discover

    put_story(demo_store, "talks", [("title", "en", "Another story")], published=dt.date(2025, 9, 3))
    export(demo_store, catalog_dir)
    found = {(r.match["file_format"], r.match["filemask"]) for r in discover(str(catalog_dir))}
    assert ("po", "*/LC_MESSAGES/content/2025-08/visit.po") in found
    assert ("po", "*/LC_MESSAGES/content/2025-09/talks.po") in found


def test_the_glossary_rides_along_and_a_translation_that_ignores_it_is_warned(demo_store, catalog_dir):
    """Exported entries carry the glossary's terms as an extracted comment; an imported
    translation that lacks a term's target is a warning with its line, never a rejection."""
    from service.translate.glossary import Glossary, make_concept
    from service.translate.glossary_live import put_in_force

    put_in_force(demo_store, Glossary((make_concept("lee", 3, {"en": ["Lee Jae-myung"], "ko": ["이재명"]}),)))
    export(demo_store, catalog_dir)
    title = polib.pofile(str(ko_po(catalog_dir))).find(TITLE, msgctxt="visit/title")
    assert "glossary: Lee Jae-myung = 이재명" in " ".join(title.comment.split())
    translate(ko_po(catalog_dir), "visit/title", TITLE, "이 대통령, 첫 일본 방문")
    report = import_ko(demo_store, catalog_dir)
    assert report.added == 1, "a warning, not a rejection"
    lines = ko_po(catalog_dir).read_text(encoding="utf-8").split("\n")
    [warning] = [w for w in report.warnings if "이재명" in w.reason]
    assert lines[warning.line - 1].startswith("msgstr") and "이 대통령" in lines[warning.line - 1]


def test_a_glossary_change_renders_again_exactly_the_files_holding_its_terms(demo_store, catalog_dir):
    """The ``#. glossary:`` comments follow the glossary in force: a changed term marks the files of
    the stories that hold it, and the next export writes those files and no other."""
    from service.translate.glossary import Glossary, make_concept
    from service.translate.glossary_live import put_in_force

    put_story(demo_store, "talks", [("title", "en", "Tariff talks resume")], published=dt.date(2025, 9, 3))
    put_in_force(demo_store, Glossary((make_concept("lee", 3, {"en": ["Lee Jae-myung"], "ko": ["이재명"]}),)))
    export(demo_store, catalog_dir)
    put_in_force(demo_store, Glossary((make_concept("lee", 3, {"en": ["Lee Jae-myung"], "ko": ["이재명 대통령"]}),)))
    report = export(demo_store, catalog_dir)
    assert report.written and all("/visit.po" in path or "/visit.pot" in path for path in report.written)
    title = polib.pofile(str(ko_po(catalog_dir))).find(TITLE, msgctxt="visit/title")
    assert "glossary: Lee Jae-myung = 이재명 대통령" in " ".join(title.comment.split())
    assert not export(demo_store, catalog_dir).written, "marked once: the next export has nothing to do"
