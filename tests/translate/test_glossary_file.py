"""The glossary file: TBX 2 and 3, Weblate CSV, and every hostile or broken file refused whole."""
from __future__ import annotations

import os

import pytest

from service.translate.glossary import glossary_comment, glossary_findings
from service.translate.glossary_file import GlossaryError, parse_csv, parse_tbx, read_glossary_file, write_tbx
from service.translate.protect import Span, protect_with, restore
from support.glossaries import tbx2, tbx3

NAMES = {"lee": {"en": ["Lee Jae-myung", "Lee Jae-Myung"], "ja": "李在明", "ko": "이재명"},
         "trump": {"en": "Trump", "ja": "トランプ", "ko": "트럼프"},
         "donald": {"en": "Donald Trump", "ja": "ドナルド・トランプ", "ko": "도널드 트럼프"},
         "reuters": {"en": "Reuters", "ja": "Reuters", "ko": "Reuters"}}


@pytest.mark.parametrize("writer", [tbx2, tbx3])
def test_tbx_2_and_3_read_alike(writer):
    glossary = parse_tbx(writer(NAMES).encode(), "glossary.tbx")
    assert [c.id for c in glossary.concepts] == list(NAMES)
    assert glossary.pair("en", "ko").rules["Lee Jae-Myung"] == "이재명"
    assert glossary.pair("ja", "ko").rules == {"李在明": "이재명", "トランプ": "트럼프", "ドナルド・トランプ": "도널드 트럼프",
                                              "Reuters": "Reuters"}
    assert [c.do_not_translate for c in glossary.concepts] == [False, False, False, True]
    assert parse_tbx(write_tbx(glossary), "again.tbx").fingerprint == glossary.fingerprint


def test_matching_longest_first_case_as_written_whole_latin_words_and_plain_cjk_substrings():
    pair = parse_tbx(tbx2(NAMES).encode(), "g.tbx").pair("en", "ko")
    found = [(use.source, use.target) for _, _, use in pair.find("Donald Trump met Trump, not trump nor Trumpet.")]
    assert found == [("Donald Trump", "도널드 트럼프"), ("Trump", "트럼프")]
    ja = parse_tbx(tbx2(NAMES).encode(), "g.tbx").pair("ja", "ko")
    assert [u.source for _, _, u in ja.find("李在明大統領はトランプ氏と")] == ["李在明", "トランプ"]


def test_a_url_wins_over_a_term_inside_it_and_terms_are_restored_as_target_terms():
    pair = parse_tbx(tbx2(NAMES).encode(), "g.tbx").pair("en", "ko")
    text = "Trump posted https://example.org/Trump today."
    protected = protect_with(text, pair.spans(text))
    assert protected.text == "[0] posted [1] today."
    assert protected.spans == (Span("term", "트럼프"), Span("url", "https://example.org/Trump"))
    assert restore("오늘 게시했다.", protected, "ko") == "오늘 게시했다 트럼프 https://example.org/Trump."


def test_weblate_csv_with_header():
    data = "location,source,target\n,Trump,트럼프\n,Ishiba,이시바\n".encode()
    glossary = parse_csv(data, "ko.csv", "en", "ko")
    assert glossary.pair("en", "ko").rules == {"Trump": "트럼프", "Ishiba": "이시바"}


def test_findings_and_comment_for_translators():
    glossary = parse_tbx(tbx2(NAMES).encode(), "g.tbx")
    assert glossary_findings(glossary, "en", "ko", "Trump spoke.", "트럼프가 말했다.") == []
    [reason] = glossary_findings(glossary, "en", "ko", "Trump spoke.", "트렁프가 말했다.")
    assert "'Trump'" in reason and "'트럼프'" in reason
    assert glossary_findings(glossary, "en", "ko", "Trump spoke.", "") == []
    assert glossary_comment(glossary, "en", "ko", "Lee Jae-myung met Trump.") == \
        "glossary: Lee Jae-myung = 이재명; Trump = 트럼프"
    assert glossary_comment(glossary, "en", "ko", "No names here.") is None


SECRET = "TOP-SECRET-CONTENT-42"


def test_xxe_is_refused_and_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE martif [\n<!ENTITY x SYSTEM "file://{secret}">\n]>\n'
            '<martif><text><body><termEntry><langSet xml:lang="en"><tig><term>&x;</term></tig></langSet>'
            '</termEntry></body></text></martif>').encode()
    with pytest.raises(GlossaryError) as refused:
        parse_tbx(data, "glossary.tbx")
    assert refused.value.problems == ["glossary.tbx:3: declares an entity (refused: entities are never expanded)"]
    assert SECRET not in str(refused.value)


def test_billion_laughs_and_malformed_xml_are_refused_with_file_and_line():
    laughs = b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<martif/>'
    with pytest.raises(GlossaryError, match=r"^glossary.tbx:2: declares an entity"):
        parse_tbx(laughs, "glossary.tbx")
    broken = tbx2(NAMES).replace("</termEntry>", "</termEntr>", 1).encode()
    with pytest.raises(GlossaryError, match=r"^glossary.tbx:\d+: is not well-formed XML$"):
        parse_tbx(broken, "glossary.tbx")


def test_bad_terms_are_refused_with_their_lines_and_no_content():
    data = tbx2({"a": {"en": "  "}, "b": {"en": "x" * 201}, "c": {"en": "Tr\u202eump"}, "d": {"en": "Trump"},
                 "e": {"en": "Trump", "ko": "트럼프"}}).encode()
    with pytest.raises(GlossaryError) as refused:
        parse_tbx(data, "glossary.tbx")
    problems = refused.value.problems
    assert [p.split(": ", 1)[1] for p in problems] == [
        "empty term", "term over 200 characters", "term holds a control or bidirectional-formatting character",
        "this en term is already claimed by the concept at line 22; a term may belong to one concept only "
        "(merge the two)"]
    assert all(p.startswith("glossary.tbx:") and "Trump" not in p for p in problems)


def test_a_file_over_the_size_limit_or_a_symlink_is_refused(tmp_path):
    path = tmp_path / "glossary.tbx"
    path.write_text(tbx2(NAMES))
    with pytest.raises(GlossaryError, match=r"over the limit of 100 \(KAKEHASHI_MAX_GLOSSARY_BYTES\)"):
        read_glossary_file(path, 100)
    link = tmp_path / "link.tbx"
    os.symlink(path, link)
    with pytest.raises(GlossaryError, match="symbolic link"):
        read_glossary_file(link, 10**6)
