"""gettext's ``.po`` grammar, one line at a time: keywords in order, quoted strings and their
escapes, comments, previous msgids (``#|``) and obsolete entries (``#~``), with line numbers.

Apart from ``poreader`` because this is only the syntax ``msgfmt`` checks (one quoted string
per line, valid escapes, keyword order; plural entries are refused, story text has none): how
a file's lines are read and bounded, and what holds across entries (duplicates, the entry
count, the header), is the reader's. Each string is checked as it is read (``entrytext``), so
a string may not grow past its bound over continuation lines.
"""
from __future__ import annotations

import re
from typing import Any, Callable, NoReturn

from . import CatalogError, Problem
from .entrytext import control_character_reason, string_bound, too_long_reason
from .limits import CatalogLimits
from .poformat import Entry

_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)(?:\s+(.*))?$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)")


def _unquote(text: str, path: str, line: int) -> str:
    match = _STRING.fullmatch(text.strip())
    if not match:
        raise CatalogError([Problem(path, line, "expected one string in double quotes")])

    def replace(escape: re.Match[str]) -> str:
        code = escape.group(1)
        if code in _ESCAPES:
            return _ESCAPES[code]
        if code[0] == "x":
            return chr(int(code[1:], 16))
        if code[0] in "01234567":
            return chr(int(code, 8))
        raise CatalogError([Problem(path, line, f"invalid escape sequence \\{code[:1]}")])

    return _ESCAPE.sub(replace, match.group(1))


class EntryParser:
    """One pass over the lines; an entry is finished by the next entry's first line or the end,
    and handed to ``emit`` at once."""

    def __init__(self, path: str, limits: CatalogLimits, emit: Callable[[Entry, list[tuple[int, str]]], None]):
        self.path = path
        self.limits = limits
        self.emit = emit
        self._reset()

    def _reset(self) -> None:
        self.comments: dict[str, Any] = {"flags": set(), "auto": [], "user": [], "locations": [], "previous": None,
                               "in_previous": False}
        self.comment_chars = 0
        self.parts: dict[str, list[Any]] = {}
        self.lengths: dict[str, int] = {}
        self.msgstr_lines: list[tuple[int, str]] = []
        self.current: str | None = None
        self.start = 0
        self.obsolete: bool | None = None
        self.msgstr_line = self.msgid_line = 0

    def fail(self, line: int, reason: str) -> NoReturn:
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
        lines = self.msgstr_lines
        self._reset()
        self.emit(entry, lines)

    def _add(self, word: str, line: int, rest: str) -> None:
        text = _unquote(rest, self.path, line)
        self.lengths[word] = self.lengths.get(word, 0) + len(text)
        header = word == "msgstr" and "msgctxt" not in self.parts and self.lengths.get("msgid") == 0
        bound = string_bound(self.limits, word, self.parts.get("msgctxt", ()), header)
        if self.lengths[word] > bound:
            self.fail(line, too_long_reason(word, bound))
        if word == "msgstr":
            if not self.obsolete:
                reason = control_character_reason(text)
                if reason:
                    self.fail(line, reason)
            self.msgstr_lines.append((line, text))
        self.parts.setdefault(word, []).append(text)

    def keyword(self, line: int, text: str, obsolete: bool) -> None:
        match = _KEYWORD.match(text)
        if not match:
            if text.startswith('"'):
                return self.continuation(line, text, obsolete)
            self.fail(line, f"unknown keyword {text.split()[0][:40]!r}")
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
        self._add(word, line, rest)
        self.current = word

    def continuation(self, line: int, text: str, obsolete: bool) -> None:
        if self.current is None or self.obsolete != obsolete:
            self.fail(line, "string outside of an entry")
        self._add(self.current, line, text)

    def comment(self, line: int, text: str) -> None:
        if "msgstr" in self.parts:
            self.finish()
        elif "msgid" in self.parts:
            self.fail(self.msgid_line, "msgid without msgstr")
        elif self.parts:
            self.fail(line, "comment between msgctxt and msgid")
        self.comment_chars += len(text)
        if self.comment_chars > 4 * self.limits.max_string_chars:
            self.fail(line, f"the comments of one entry are longer than {4 * self.limits.max_string_chars:,} characters")
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

    def feed(self, number: int, raw: str) -> None:
        line = raw.strip()
        if not line:
            return
        if line.startswith("#~"):
            rest = line[2:].strip()
            if rest.startswith("|") or not rest:
                return                     # previous text of an obsolete entry: not kept
            self.keyword(number, rest, obsolete=True)
        elif line.startswith("#"):
            self.comment(number, line)
        else:
            self.keyword(number, line, obsolete=False)

    def close(self) -> None:
        if self.parts:
            self.finish()

