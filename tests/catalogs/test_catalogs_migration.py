"""The old layout (one ``content.po`` per language holding every story) is imported once and
split into the stories' files, with every hand edit kept."""
from __future__ import annotations

import datetime as dt

import polib
import pytest

from service.catalogs import CatalogError, legacy_path
from service.catalogs.export import export_catalogs
from service.store.translations import StoredHumanTranslations
from support.catalog_fixtures import DEMO_FIELDS, msgfmt_check, put_story, story_file

TITLE, POINT, URL_POINT, QUOTE, HEADING = (f[2] for f in DEMO_FIELDS)
OTHER_TITLE = "Ishiba and Lee agree on shuttle diplomacy"


def legacy_catalog(path, entries):
    """A content.po of the old layout, as a translator's tool (polib) saved it."""
    po = polib.POFile(wrapwidth=76)
    po.metadata = {"Project-Id-Version": "Kakehashi content", "Language": "ko", "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit",
                   "Plural-Forms": "nplurals=1; plural=0;", "Last-Translator": "Kim <kim@example.org>"}
    for entry in entries:
        po.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))


@pytest.fixture
def two_stories(demo_store):
    put_story(demo_store, "talks", [("title", "en", OTHER_TITLE, 0)], published=dt.date(2025, 9, 3))
    return demo_store


def test_a_hand_edited_content_po_is_split_with_nothing_lost(two_stories, catalog_dir):
    path = legacy_path(catalog_dir, "ko")
    old_point = POINT.replace("August 25", "25 August")
    legacy_catalog(path, [
        polib.POEntry(msgctxt="visit/title", msgid=TITLE, msgstr="이재명, 첫 일본 방문",
                      tcomment="checked with the desk", occurrences=[("stories/visit", "0")]),
        polib.POEntry(msgctxt="visit/point", msgid=POINT, msgstr="도쿄를 첫 방문지로", flags=["fuzzy"],
                      previous_msgid=old_point, tcomment="needs the date checked"),
        polib.POEntry(msgctxt="visit/heading", msgid="An old heading", msgstr="옛 제목", obsolete=True),
        polib.POEntry(msgctxt="talks/title", msgid=OTHER_TITLE, msgstr="셔틀 외교에 합의"),
        polib.POEntry(msgctxt="gone/title", msgid="A deleted story", msgstr="삭제된 기사"),
    ])
    before = path.read_bytes()

    report = export_catalogs(two_stories, catalog_dir)
    assert report.split == ["ko/LC_MESSAGES/content.po"]
    assert not path.exists() and path.with_name("content.po.pre-split").read_bytes() == before, \
        "the old file is kept as it was, beside the new tree"

    visit = polib.pofile(str(story_file(catalog_dir, "ko")))
    title = visit.find(TITLE, msgctxt="visit/title")
    assert title.msgstr == "이재명, 첫 일본 방문" and not title.fuzzy and title.tcomment == "checked with the desk"
    point = visit.find(POINT, msgctxt="visit/point")
    assert point.fuzzy and point.previous_msgid == old_point and point.msgstr == "도쿄를 첫 방문지로"
    assert point.tcomment == "needs the date checked"
    assert [(e.msgid, e.msgstr) for e in visit.obsolete_entries()] == [("An old heading", "옛 제목")]
    assert visit.metadata["Last-Translator"] == "Kim <kim@example.org>", "the translator's header is kept"

    talks = polib.pofile(str(story_file(catalog_dir, "ko", "talks", dt.date(2025, 9, 3))))
    assert talks.find(OTHER_TITLE, msgctxt="talks/title").msgstr == "셔틀 외교에 합의"
    assert {e.msgctxt for e in talks} == {"talks/title"}, "each story's file holds only that story"
    for new in (story_file(catalog_dir, "ko"), story_file(catalog_dir, "ko", "talks", dt.date(2025, 9, 3))):
        msgfmt_check(new)

    served = StoredHumanTranslations(two_stories).lookup(
        "ko", {("visit/title", TITLE), ("visit/point", POINT), ("talks/title", OTHER_TITLE), ("gone/title", "A deleted story")})
    assert served == {("visit/title", TITLE): "이재명, 첫 일본 방문", ("talks/title", OTHER_TITLE): "셔틀 외교에 합의",
                      ("gone/title", "A deleted story"): "삭제된 기사"}, \
        "reviewed work is in the store (a deleted story's too); fuzzy stays unserved"
    assert not export_catalogs(two_stories, catalog_dir).written, "split once"


def test_a_broken_content_po_is_not_split(two_stories, catalog_dir):
    path = legacy_path(catalog_dir, "ko")
    legacy_catalog(path, [polib.POEntry(msgctxt="visit/title", msgid=TITLE, msgstr="제목")])
    broken = path.read_bytes() + b'\nmsgctxt "visit/point"\nmsgid "unfinished\n'
    path.write_bytes(broken)
    with pytest.raises(CatalogError) as caught:
        export_catalogs(two_stories, catalog_dir)
    assert str(caught.value).startswith(f"{path}:")
    assert path.read_bytes() == broken, "left as it is, for the translator to fix"
    assert story_file(catalog_dir, "ja").exists(), "the other languages are exported"
