"""What one string of a catalog entry may hold: a bounded length, and in a msgstr no control character.

Apart from the grammar (``posyntax``) because these are the service's rules, not gettext's
(``msgfmt`` accepts both): the bounds follow the API's (``limits``), and a msgstr with a
control character (C0 other than tab and newline, DEL, C1) is refused because the API refuses
them in snippets, and a translation must not bring them in through the back door.
"""
from __future__ import annotations

import re
from typing import Sequence

from .limits import CatalogLimits

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
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
    found = _CONTROL.search(text)
    if found is None:
        return None
    return (f"msgstr holds the control character U+{ord(found.group()):04X}; only tab and newline "
            "are allowed (remove it, or write \\n for a line break)")
