"""Opaque keyset cursors for newest-first lists: stable while stories are added.

A cursor names the last story shown (its date and id); the next page is everything strictly
older in the ``(published, id)`` order, so stories added meanwhile never shift a page.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from dataclasses import dataclass

from .errors import InvalidInput

_ID = re.compile(r"[a-z0-9-]{1,80}")


@dataclass(frozen=True)
class Cursor:
    published: dt.date
    story_id: str

    @property
    def position(self) -> tuple[dt.date, str]:
        return (self.published, self.story_id)

    def encode(self) -> str:
        raw = f"{self.published.isoformat()}|{self.story_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        """The cursor a ``next`` link carries, or ``InvalidInput`` for anything else."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            day, _, story_id = raw.partition("|")
            published = dt.date.fromisoformat(day)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise InvalidInput("the cursor is not one this service made; follow the 'next' links",
                               code="invalid_cursor") from None
        if not _ID.fullmatch(story_id) or len(text) > 200:
            raise InvalidInput("the cursor is not one this service made; follow the 'next' links",
                               code="invalid_cursor")
        return cls(published, story_id)



@dataclass(frozen=True)
class RankedCursor:
    """A cursor of a best-first list (search): the last result's rank, date and id; the next
    page is everything strictly after it in the ``(rank, published, id)`` descending order."""

    rank: int
    published: dt.date
    story_id: str

    @property
    def position(self) -> tuple[int, dt.date, str]:
        return (self.rank, self.published, self.story_id)

    def encode(self) -> str:
        raw = f"{self.rank}|{self.published.isoformat()}|{self.story_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> "RankedCursor":
        """The cursor a search's ``next`` link carries, or ``InvalidInput`` for anything else."""
        invalid = InvalidInput("the cursor is not one this service made; follow the 'next' links",
                               code="invalid_cursor")
        if len(text) > 200:
            raise invalid
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            rank, day, story_id = raw.split("|")
            published = dt.date.fromisoformat(day)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise invalid from None
        if not re.fullmatch(r"[1-9]", rank) or not _ID.fullmatch(story_id):
            raise invalid
        return cls(int(rank), published, story_id)
