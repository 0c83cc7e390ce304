"""The strict ``.po`` reader: a file's lines, bounded, made into checked entries one at a time.

It reads a file line by line from the open stream and hands out one entry at a time
(``CatalogReader.entries``), so memory depends on the limits (``limits``), not on the file:
a line is read with a bound (a 50 MB line is refused after the first kilobytes), a string may
not grow past its bound over continuation lines, the number of entries is bounded, and
duplicates are found through a 16-byte digest per entry key.

Each line goes to gettext's grammar (``posyntax``, which checks every string with
``entrytext``) and to Babel's independent cross-check (``babelcheck``); what spans the whole
file is done here: the lines' bounds and encoding, the entry count, duplicates, the header.
"""
from __future__ import annotations

import hashlib
import io
import re
from typing import BinaryIO, Iterator

from . import CatalogError, Problem
from .babelcheck import BabelCrossCheck
from .limits import DEFAULT_LIMITS, CatalogLimits
from .poformat import Entry, PoFile
from .posyntax import EntryParser

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
