"""The .po reader and writer: what gettext (msgfmt), polib and Babel make of our files, and the
reader's verdict on broken ones, with the same line numbers msgfmt gives."""
from __future__ import annotations

import subprocess

import polib
import pytest

from service.catalogs import CatalogError
from service.catalogs.parse import parse
from service.catalogs.pofile import Entry, PoFile, render
from support.catalog_fixtures import MSGFMT, msgfmt_check

LONG = ("South Korea President Lee Jae-Myung embarked on his first full visit to Japan since taking office, "
        "selecting \"Tokyo\" as the first stop before heading to Washington")
HEADER = [("Project-Id-Version", "Kakehashi content"), ("PO-Revision-Date", "2025-09-01 00:00+0000"),
          ("Last-Translator", ""), ("Language-Team", "Korean"), ("Language", "ko"),
          ("Plural-Forms", "nplurals=1; plural=0;"), ("MIME-Version", "1.0"),
          ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "8bit")]


def sample() -> PoFile:
    return PoFile(header=HEADER, header_comments=["Kakehashi story text.", ""], entries=[
        Entry("Shares rose 5% on Friday, a new " + LONG, "금요일 주가 5% 상승", "s/point", {"fuzzy"},
              ["machine translation by argos:en-ko:1.1, not reviewed"], ["translator: check the name"],
              [("stories/s", 2), ("stories/s", 1)], previous_msgid=LONG),
        Entry("Line one\nline \"two\"\twith tab", "첫 줄\n둘째 줄", "s/quote", locations=[("stories/s", 3)]),
        Entry("title", "", "s/title", locations=[("stories/s", None)]),
        Entry("gone", "사라짐", "s/point", {"fuzzy"}, user_comments=["kept"], obsolete=True),
    ])


def test_written_file_passes_msgfmt_and_reads_back_the_same(tmp_path):
    path = tmp_path / "content.po"
    path.write_bytes(render(sample()))
    msgfmt_check(path)
    again = parse(path.read_bytes(), str(path))
    assert [(e.key, e.msgstr, e.flags, e.previous_msgid, e.obsolete) for e in again.entries] == \
        [(e.key, e.msgstr, e.flags, e.previous_msgid, e.obsolete) for e in sample().entries]
    assert render(again) == path.read_bytes()


def test_polib_reads_what_we_write(tmp_path):
    path = tmp_path / "content.po"
    path.write_bytes(render(sample()))
    po = polib.pofile(str(path))
    first = po.find("Shares rose 5% on Friday, a new " + LONG, msgctxt="s/point")
    assert first.fuzzy and first.previous_msgid == LONG and first.msgstr == "금요일 주가 5% 상승"
    assert "python-format" not in first.flags          # "5% o" is not a format: msgfmt would fail it
    assert first.occurrences == [("stories/s", "1"), ("stories/s", "2")]
    assert po.find("Line one\nline \"two\"\twith tab", msgctxt="s/quote").msgstr == "첫 줄\n둘째 줄"
    obsolete = po.obsolete_entries()
    assert [(e.msgid, e.msgstr, e.fuzzy) for e in obsolete] == [("gone", "사라짐", True)]
    assert po.metadata["Language"] == "ko"


BROKEN = {
    "unterminated string": ('msgctxt "s/point"\nmsgid "a"\nmsgstr "b\n', 15),
    "missing msgstr": ('msgctxt "s/point"\nmsgid "a"\n\nmsgctxt "s/title"\nmsgid "t"\nmsgstr ""\n', 14),
    "unknown keyword": ('msgctxt "s/point"\nmsgid "a"\nmsgstring "b"\n', 15),
    "bad escape": ('msgctxt "s/point"\nmsgid "a"\nmsgstr "b\\q"\n', 15),
    "duplicate": ('msgctxt "s/point"\nmsgid "a"\nmsgstr "b"\n\nmsgctxt "s/point"\nmsgid "a"\nmsgstr "c"\n', 18),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_files_are_refused_at_the_line_msgfmt_names(tmp_path, case):
    text, line = BROKEN[case]
    header = render(PoFile(header=HEADER)).decode()
    path = tmp_path / "content.po"
    path.write_text(header + "\n" + text, encoding="utf-8")
    gettext = subprocess.run([MSGFMT, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert gettext.returncode != 0, "the fixture must really be broken"
    with pytest.raises(CatalogError) as caught:
        parse(path.read_bytes(), str(path))
    assert caught.value.first.path == str(path)
    assert caught.value.first.line == line, str(caught.value)
    reported = {int(part.split(":")[0]) for part in gettext.stderr.split(f"{path}:")[1:]}
    assert reported & {line, line + 1}, gettext.stderr      # msgfmt puts end-of-line errors one below


def test_invalid_utf8_names_the_line(tmp_path):
    data = render(PoFile(header=HEADER)) + b'\nmsgctxt "s/point"\nmsgid "a"\nmsgstr "\xff"\n'
    with pytest.raises(CatalogError) as caught:
        parse(data, "x.po")
    assert str(caught.value) == "x.po:15: not valid UTF-8"


def test_plural_entries_are_refused():
    data = render(PoFile(header=HEADER)) + b'\nmsgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\n'
    with pytest.raises(CatalogError, match="plural"):
        parse(data, "x.po")


def test_previous_lines_of_obsolete_entries_and_a_bom_are_accepted():
    data = b"\xef\xbb\xbf" + render(PoFile(header=HEADER)) + (
        b'\n#, fuzzy\n#~| msgid "older"\n#~ msgctxt "s/point"\n#~ msgid "old"\n#~ msgstr "x"\n')
    po = parse(data, "x.po")
    assert [(e.msgid, e.obsolete, e.fuzzy) for e in po.entries] == [("old", True, True)]


def test_a_header_babel_cannot_read_is_a_problem_not_a_crash():
    header = [(k, "nplurals=INTEGER; plural=EXPRESSION;" if k == "Plural-Forms" else v) for k, v in HEADER]
    with pytest.raises(CatalogError, match="x.po:1: unreadable header"):
        parse(render(PoFile(header=header)), "x.po")
