"""Facts about text that several layers need: scripts and control characters (sentences: ``service.sentences``)."""
from __future__ import annotations

import re
import unicodedata

JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def detect_source_lang(text: str) -> str:
    """'ja' for text with kana or kanji, else 'en' (the only two source languages)."""
    return "ja" if JAPANESE_SCRIPT.search(text) else "en"

_FORMAT = re.compile(r"[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")     # invisible: soft hyphen, zero-widths
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC (full- and half-width alike), case-folded, invisible format characters dropped."""
    return _FORMAT.sub("", unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()))


def search_form(text: str) -> str:
    """The form search compares: ``fold``, then runs of white space one space. Index and query
    both go through it, so a match is a plain substring test."""
    return _SPACES.sub(" ", fold(text)).strip()
