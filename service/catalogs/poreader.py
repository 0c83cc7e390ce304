"""The strict ``.po`` reader: gettext's syntax, line numbers, previous msgids, duplicates.

Why not Babel's ``read_po`` alone is said in ``poformat``; Babel still reads every file we
accept (a second, independent parser), so what we take is what pybabel would take.
"""
from __future__ import annotations

import io
import re

from babel.messages.pofile import PoFileError, read_po

from . import CatalogError, Problem
from .poformat import Entry, PoFile

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(?:\s+(.*))?$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)")


def _unquote(text: str, path: str, line: int) -> str:
    match = _STRING.fullmatch(text.strip())
    if not match:
        raise CatalogError([Problem(path, line, "expected one string in double quotes")])

    def replace(escape: re.Match) -> str:
        code = escape.group(1)
        if code in _ESCAPES:
            return _ESCAPES[code]
        if code[0] == "x":
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        raise CatalogError([Problem(path, line, f"invalid escape sequence \\{code}")])

    return _ESCAPE.sub(replace, match.group(1))


class _Reader:
    """One pass over the lines; an entry is finished by the next entry's first line or the end."""

    def __init__(self, path: str):
        self.path = path
        self.po = PoFile()
        self.entries: list[Entry] = []
        self._reset()

    def _reset(self) -> None:
        self.comments: dict = {"flags": set(), "auto": [], "user": [], "locations": [], "previous": None,
                               "in_previous": False}
        self.parts: dict[str, list] = {}
        self.current: str | None = None
        self.start = 0
        self.obsolete: bool | None = None
        self.msgstr_line = self.msgid_line = 0

    def fail(self, line: int, reason: str):
        raise CatalogError([Problem(self.path, line, reason)])

    def finish(self) -> None:
        if not self.parts:
            return
        if "msgid" not in self.parts:
            self.fail(self.start, "msgctxt without msgid")
        if "msgstr" not in self.parts:
            self.fail(self.start, "msgid without msgstr")
        entry = Entry(msgid="".join(self.parts["msgid"]), msgstr="".join(self.parts["msgstr"]),
                      context="".join(self.parts["msgctxt"]) if "msgctxt" in self.parts else None,
                      flags=self.comments["flags"], auto_comments=self.comments["auto"],
                      user_comments=self.comments["user"], locations=self.comments["locations"],
                      previous_msgid=self.comments["previous"], obsolete=bool(self.obsolete),
                      line=self.msgid_line or self.start, msgstr_line=self.msgstr_line)
        self.entries.append(entry)
        self._reset()

    def keyword(self, line: int, text: str, obsolete: bool) -> None:
        match = _KEYWORD.match(text)
        if not match:
            if text.startswith('"'):
                return self.continuation(line, text, obsolete)
            self.fail(line, f"unknown keyword {text.split()[0]!r}")
        word, rest = match.group(1), match.group(2) or ""
        if word in ("msgctxt", "msgid") and "msgstr" in self.parts:
            self.finish()
        elif word in ("msgctxt", "msgid") and "msgid" in self.parts:
            self.fail(self.msgid_line, "msgid without msgstr")
        if word == "msgid_plural" or word.startswith("msgstr["):
            self.fail(line, "plural entries are not used in story catalogs")
        if self.obsolete is not None and self.obsolete != obsolete and self.parts:
            self.fail(line, "entry mixes obsolete (#~) and active lines")
        expected = {"msgctxt": (), "msgid": ("msgctxt",), "msgstr": ("msgctxt", "msgid")}[word]
        if word in self.parts or any(k not in expected for k in self.parts) or (word == "msgstr" and "msgid" not in self.parts):
            self.fail(line, f"{word} out of order")
        if not self.parts:
            self.start, self.obsolete = line, obsolete
        if word == "msgstr":
            self.msgstr_line = line
        elif word == "msgid":
            self.msgid_line = line
        self.parts[word] = [_unquote(rest, self.path, line)]
        self.current = word

    def continuation(self, line: int, text: str, obsolete: bool) -> None:
        if self.current is None or self.obsolete != obsolete:
            self.fail(line, "string outside of an entry")
        self.parts[self.current].append(_unquote(text, self.path, line))

    def comment(self, line: int, text: str) -> None:
        if "msgstr" in self.parts:
            self.finish()
        elif "msgid" in self.parts:
            self.fail(self.msgid_line, "msgid without msgstr")
        elif self.parts:
            self.fail(line, "comment between msgctxt and msgid")
        kind, body = text[:2], text[2:].strip()
        if kind == "#,":
            self.comments["flags"] |= {flag.strip() for flag in body.split(",") if flag.strip()}
        elif kind == "#.":
            if body:
                self.comments["auto"].append(body)
        elif kind == "#:":
            for location in body.split():
                name, colon, number = location.rpartition(":")
                self.comments["locations"].append((name, int(number)) if colon and number.isdigit() else (location, None))
        elif kind == "#|":
            self.previous(line, body)
        else:
            self.comments["user"].append(text[2:] if text.startswith("# ") else text[1:])

    def previous(self, line: int, body: str) -> None:
        match = _KEYWORD.match(body)
        if match and match.group(1) == "msgid":
            self.comments["previous"] = _unquote(match.group(2) or "", self.path, line)
            self.comments["in_previous"] = True
        elif match:
            self.comments["in_previous"] = False   # previous msgctxt / msgid_plural: parsed, not kept
            _unquote(match.group(2) or "", self.path, line)
        elif body.startswith('"'):
            text = _unquote(body, self.path, line)
            if self.comments["in_previous"]:
                self.comments["previous"] += text
        else:
            self.fail(line, "malformed #| (previous) line")

    def read(self, text: str) -> PoFile:
        for number, raw in enumerate(text.split("\n"), start=1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#~"):
                rest = line[2:].strip()
                if rest.startswith("|") or not rest:
                    continue               # previous text of an obsolete entry: not kept
                self.keyword(number, rest, obsolete=True)
            elif line.startswith("#"):
                self.comment(number, line)
            else:
                self.keyword(number, line, obsolete=False)
        if self.parts:
            self.finish()
        return self._assemble()

    def _assemble(self) -> PoFile:
        seen: dict[tuple, int] = {}
        problems = []
        for entry in self.entries:
            if entry.obsolete:
                continue
            if entry.key in seen:
                problems.append(Problem(self.path, entry.line,
                                        f"duplicate message definition (first at line {seen[entry.key]})"))
            seen.setdefault(entry.key, entry.line)
        if problems:
            raise CatalogError(problems)
        body = []
        for entry in self.entries:
            if entry.msgid == "" and entry.context is None and not entry.obsolete:
                self.po.header_line, self.po.header_comments = entry.line, entry.user_comments
                self.po.header = _parse_header(entry.msgstr)
                self.po.header_fuzzy = entry.fuzzy
            elif entry.msgid == "" and not entry.obsolete:
                self.fail(entry.line, "empty msgid")
            else:
                body.append(entry)
        self.po.entries = body
        return self.po


def _parse_header(text: str) -> list[tuple[str, str]]:
    pairs = []
    for line in text.split("\n"):
        name, colon, value = line.partition(":")
        if colon and name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def parse(data: bytes, path: str) -> PoFile:
    """Parse a catalog file's bytes or raise ``CatalogError`` with ``path:line: reason``."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CatalogError([Problem(path, data.count(b"\n", 0, error.start) + 1, "not valid UTF-8")]) from None
    po = _Reader(path).read(text)
    lines = text.split("\n")
    for number in range(po.header_line, min(len(lines), po.header_line + 60) + 1) if po.header_line else ():
        match = re.match(r'\s*"([A-Za-z-]+):', lines[number - 1])
        if match:
            po.header_lines.setdefault(match.group(1).lower(), number)
    # Babel must read what we accept (a second, independent parser); `#~|` lines are blanked
    # because Babel cannot read them, keeping line numbers.
    babel_lines = ["" if line.strip().startswith("#~|") else line for line in lines]
    try:
        read_po(io.StringIO("\n".join(babel_lines)), abort_invalid=True)
    except PoFileError as error:
        raise CatalogError([Problem(path, error.lineno + 1, str(error).rsplit(" on ", 1)[0])]) from None
    except (ValueError, LookupError) as error:    # e.g. a header Babel cannot interpret
        raise CatalogError([Problem(path, po.header_line or 1, f"unreadable header: {error}")]) from None
    return po
