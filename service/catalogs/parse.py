"""The strict ``.po`` reader: a file's lines, bounded, made into checked entries one at a time.

Why not only Babel's ``read_po`` (or polib) is said in ``pofile``. A file is read line by line
from the open stream and handed out one entry at a time (``CatalogReader.entries``), so memory
depends on the limits, not on the file: a line is read with a bound (a 50 MB line is refused
after the first kilobytes), a string may not grow past its bound over continuation lines, the
number of entries is bounded, and duplicates are found through a 16-byte digest per entry key.

Three layers, innermost first:
- what one string may hold (bounded length; in a msgstr no control or bidi-override
  character, the API's rule, so a translation cannot bring in what a snippet may not);
- gettext's grammar, one line at a time (``EntryParser``: keywords in order, quoted strings
  and their escapes, comments, previous msgids ``#|``, obsolete entries ``#~``);
- Babel's ``read_po(abort_invalid=True)`` as an independent cross-check (``BabelCrossCheck``),
  fed whole entries in batches so it too runs in bounded memory.
"""
from __future__ import annotations

import hashlib
import io
import re
from typing import Any, BinaryIO, Callable, Iterator, NoReturn, Sequence

from babel.messages.pofile import PoFileError, read_po

from ..core.textrules import forbidden_character
from . import DEFAULT_LIMITS, CatalogError, CatalogLimits, Problem
from .pofile import Entry, PoFile

HEADER_CHARS = 10_000           # the header entry's msgstr (msgid "")


def string_bound(limits: CatalogLimits, keyword: str, msgctxt_parts: Sequence[str], header: bool) -> int:
    """The most characters the ``keyword`` string of an entry may hold, over all its lines:
    the header's msgstr has its own bound, any other msgstr the bound of its field (named by
    the msgctxt), every other string the larger bound."""
    if keyword != "msgstr":
        return limits.max_string_chars
    if header:
        return HEADER_CHARS
    return limits.msgstr_chars("".join(msgctxt_parts))


def too_long_reason(keyword: str, bound: int) -> str:
    return (f"{keyword} is longer than {bound:,} characters, the limit for this text "
            "(twice the API's KAKEHASHI_MAX_TITLE_CHARS / KAKEHASHI_MAX_SNIPPET_CHARS); shorten it")


def control_character_reason(text: str) -> str | None:
    """Why ``text`` cannot be a translation, if it holds a control character."""
    found = forbidden_character(text)
    if found is None:
        return None
    return (f"msgstr holds the control or bidi-override character U+{ord(found):04X}, which the API refuses too; "
            "only tab and newlines "
            "are allowed (remove it, or write \\n for a line break)")


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



BABEL_BATCH_CHARS = 256 * 1024


class BabelCrossCheck:
    """Babel's ``read_po`` over the file in batches of whole entries (see the module docstring)."""

    def __init__(self, path: str):
        self.path = path
        self.lines: list[str] = []
        self.first = 1
        self.chars = 0
        self.header_line = 0

    def add(self, number: int, raw: str) -> None:
        if not self.lines:
            self.first = number
        # `#~|` lines are blanked because Babel cannot read them, keeping line numbers.
        self.lines.append("" if raw.strip().startswith("#~|") else raw)
        self.chars += len(raw)

    def entry_boundary(self) -> None:
        """Called between entries: the lines so far are whole entries."""
        if self.chars >= BABEL_BATCH_CHARS:
            self.flush()

    def flush(self) -> None:
        if not self.lines:
            return
        text, first = "\n".join(self.lines), self.first
        self.lines, self.chars = [], 0
        try:
            read_po(io.StringIO(text), abort_invalid=True)
        except PoFileError as error:
            raise CatalogError([Problem(self.path, first + error.lineno, str(error).rsplit(" on ", 1)[0])]) from None
        except (ValueError, LookupError) as error:    # e.g. a header Babel cannot interpret
            raise CatalogError([Problem(self.path, self.header_line or 1, f"unreadable header: {error}")]) from None


_HEADER_NAME = re.compile(r"([A-Za-z-]+):")
BOM = b"\xef\xbb\xbf"


class CatalogReader:
    """Read a catalog from an open binary stream, one entry at a time.

    ``entries()`` yields every entry but the header, active and obsolete, in file order, each
    one checked; ``header`` (a ``PoFile`` without entries) is filled in when the header entry
    has been read, normally first. Raises ``CatalogError`` (``path:line: reason``) at the
    first problem; ``cross_check=False`` skips Babel (for a second pass over a file already
    read with it)."""

    def __init__(self, stream: BinaryIO, path: str, limits: CatalogLimits = DEFAULT_LIMITS,
                 cross_check: bool = True):
        self.stream = stream
        self.path = path
        self.limits = limits
        self.header = PoFile()
        self.count = 0
        self._babel = BabelCrossCheck(path) if cross_check else None
        self._seen: dict[bytes, int] = {}
        self._ready: list[Entry] = []

    def _lines(self) -> Iterator[tuple[int, str]]:
        number = total = 0
        bound = self.limits.max_line_bytes
        while True:
            raw = self.stream.readline(bound + 1)
            if not raw:
                return
            number += 1
            total += len(raw)
            if total > self.limits.max_bytes:
                raise CatalogError([Problem(self.path, number, f"longer than {self.limits.max_bytes:,} bytes "
                                                               "(KAKEHASHI_MAX_CATALOG_BYTES); it grew while being read?")])
            if len(raw) > bound and not raw.endswith(b"\n"):
                raise CatalogError([Problem(self.path, number, f"line longer than {bound:,} bytes; no catalog line "
                                                               "is that long (is this a .po file?)")])
            if number == 1 and raw.startswith(BOM):
                raw = raw[len(BOM):]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise CatalogError([Problem(self.path, number, "not valid UTF-8")]) from None
            yield number, text.removesuffix("\n")

    def _take(self, entry: Entry, msgstr_lines: list[tuple[int, str]]) -> None:
        self.count += entry.msgid != "" or entry.context is not None
        if self.count > self.limits.max_entries:
            raise CatalogError([Problem(self.path, entry.line, f"more than {self.limits.max_entries:,} entries "
                                                               "(KAKEHASHI_MAX_CATALOG_ENTRIES); split the catalog or raise the limit")])
        if self._babel is not None:
            self._babel.entry_boundary()
        if not entry.obsolete:
            digest = hashlib.blake2b(repr(entry.key).encode("utf-8", "surrogatepass"), digest_size=16).digest()
            first = self._seen.setdefault(digest, entry.line)
            if first != entry.line:
                raise CatalogError([Problem(self.path, entry.line, f"duplicate message definition (first at line {first})")])
        if entry.msgid == "" and entry.context is None and not entry.obsolete:
            self._set_header(entry, msgstr_lines)
        elif entry.msgid == "" and not entry.obsolete:
            raise CatalogError([Problem(self.path, entry.line, "empty msgid")])
        else:
            self._ready.append(entry)

    def _set_header(self, entry: Entry, msgstr_lines: list[tuple[int, str]]) -> None:
        po = self.header
        po.header_line, po.header_comments = entry.line, entry.user_comments
        po.header = _parse_header(entry.msgstr)
        po.header_fuzzy = entry.fuzzy
        if self._babel is not None:
            self._babel.header_line = entry.line
        for number, part in msgstr_lines:        # one header field per string, as tools write it
            match = _HEADER_NAME.match(part)
            if match:
                po.header_lines.setdefault(match.group(1).lower(), number)

    def entries(self) -> Iterator[Entry]:
        reader = EntryParser(self.path, self.limits, self._take)
        for number, raw in self._lines():
            reader.feed(number, raw)
            if self._babel is not None:
                self._babel.add(number, raw)
            yield from self._drain()
        reader.close()
        if self._babel is not None:
            self._babel.flush()
        yield from self._drain()

    def _drain(self) -> Iterator[Entry]:
        while self._ready:
            yield self._ready.pop(0)


def _parse_header(text: str) -> list[tuple[str, str]]:
    pairs = []
    for line in text.split("\n"):
        name, colon, value = line.partition(":")
        if colon and name.strip():
            pairs.append((name.strip(), value.strip()))
    return pairs


def parse(data: bytes | BinaryIO, path: str, limits: CatalogLimits = DEFAULT_LIMITS) -> PoFile:
    """The whole file (bytes, or an open binary stream) as a ``PoFile``, or ``CatalogError``
    with ``path:line: reason``. For export and stats, which need every entry at once; the
    import streams with ``CatalogReader``."""
    reader = CatalogReader(io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data, path, limits)
    entries = list(reader.entries())
    reader.header.entries = entries
    return reader.header
