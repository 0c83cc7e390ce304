"""Babel's ``read_po(abort_invalid=True)`` over every file we accept, in bounded memory.

A second, independent parser, so what we take is what pybabel would take (why not Babel
alone is said in ``poformat``). ``read_po`` builds a whole catalog in memory, so it is given
the file in batches of whole entries (about ``BABEL_BATCH_CHARS`` at a time, cut only where one
entry ends and the next begins, line numbers carried over): the same parser sees every line in
the same context, in bounded memory. Only the first batch holds the header, which is where
Babel checks it.
"""
from __future__ import annotations

import io

from babel.messages.pofile import PoFileError, read_po

from . import CatalogError, Problem

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
