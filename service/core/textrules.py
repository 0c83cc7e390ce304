"""Rules about text that every layer shares, each in one place: what text the service stores
(no control characters, no bidi overrides, never blank), what counts as a URL, which script a
character is in (Hangul, kana, kanji), and the folded form search compares.

One rule, kept in three equivalent forms: ``problem()`` for validators, and ``text_pattern()``,
the same rule as a regular expression, so the OpenAPI document tells clients (and schemathesis)
exactly what is accepted.

- C0 controls other than tab, LF and CR, DEL, and C1 controls (U+0080-U+009F) are refused:
  they render as nothing or as garbage and some terminals act on them.
- Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) are refused: an
  unclosed U+202E reverses everything after it on a page (pages also isolate each field).
- Text that is blank after Unicode NFKC normalisation and removal of format characters (Cf,
  such as U+200B ZERO WIDTH SPACE or U+FEFF) is refused: it would make an invisible snippet.

``URL`` is the one definition of a link in text: machine translation protects exactly these
spans (``translate/protect.py``) and the catalog check demands exactly these back from a
translator (``catalogs/checks.py``), so our own engine can never write a text the check refuses.
"""
from __future__ import annotations

import re
import unicodedata

# Regex character-class bodies (Python ``re`` escapes; BMP ones read the same in ECMA-262).
BIDI_CONTROLS = r"\u202a-\u202e\u2066-\u2069"      # embeddings, overrides, isolates
BIDI_MARKS = r"\u061c\u200e\u200f"                   # ALM, LRM, RLM: invisible, but they do not reorder
FORBIDDEN = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + BIDI_CONTROLS
NOT_IN_ONE_LINE = r"\x00-\x1f"                         # every C0 control, tab and line breaks too: one-line input
# Every character whose NFKC form is only whitespace or format (Cf) characters, for Unicode
# 14.0 (Python 3.11); tests/test_http_edges.py recomputes it, so a new Unicode version shows up.
BLANK = (r"\t-\r\x1c-\x20\x85\xa0\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u1680"
         r"\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f\u3000\ufeff\ufff9-\ufffb"
         "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
         "\U000e0001\U000e0020-\U000e007f")
HANGUL = r"\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"

_FORBIDDEN = re.compile(f"[{FORBIDDEN}]")
_VISIBLE = re.compile(f"[^{FORBIDDEN}{BLANK}]")


def text_pattern(also_forbidden: str = "") -> str:
    """The whole rule as one anchored pattern: allowed characters, at least one of them visible."""
    allowed = f"[^{FORBIDDEN}{also_forbidden}]*"
    return f"^{allowed}[^{FORBIDDEN}{also_forbidden}{BLANK}]{allowed}$"


def forbidden_character(text: str) -> str | None:
    """The first character of ``text`` the rule refuses, or None: for callers (the catalog
    importer) that word their own message around it."""
    found = _FORBIDDEN.search(text)
    return found.group() if found else None


def problem(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None when it can."""
    found = _FORBIDDEN.search(text)
    if found:
        return (f"must not contain control or bidi-override characters (found U+{ord(found.group()):04X} at "
                f"character {found.start()}); tab and newline are fine")
    if not _VISIBLE.search(text):
        return "is blank: it has only spaces and invisible characters such as U+200B or U+FEFF"
    return None


def is_blank(text: str) -> bool:
    """The definition BLANK is computed from: nothing left after NFKC and removing Cf."""
    normalized = unicodedata.normalize("NFKC", text)
    return not "".join(c for c in normalized if unicodedata.category(c) != "Cf").strip()


# A URL: with a scheme (http, https), from ``www.``, or a bare ``domain.tld/path`` (a post's
# ``pic.twitter.com/DVFAgKVJgA``). It stops at whitespace, quotes, angle brackets and Japanese
# brackets and punctuation, and never ends on sentence punctuation or a closing bracket.
_URL_CHAR = r"[^\s<>\"'「」『』、。（）]"
_URL_END = r"[^\s<>\"'「」『』、。（）.,;:!?…)\]}]"
URL_PATTERN = (rf"(?i:(?:https?://|www\.){_URL_CHAR}*{_URL_END}"
               rf"|\b(?:[a-z0-9-]+\.)+[a-z]{{2,}}/(?:{_URL_CHAR}*{_URL_END})?)")
URL = re.compile(URL_PATTERN)

# --- scripts: which language a text is written in -------------------------------------
# Kana: hiragana, katakana, their phonetic extensions and half-width forms.
KANA = r"\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
# Kanji (Han): CJK unified ideographs, extension A, compatibility ideographs.
KANJI = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Kana and kanji together, in code point order (the OpenAPI patterns spell it so).
JAPANESE = r"\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
JAPANESE_SCRIPT = re.compile(f"[{JAPANESE}]")
_SCRIPTS = (("hangul", re.compile(f"[{HANGUL}]")), ("kana", re.compile(f"[{KANA}]")), ("han", re.compile(f"[{KANJI}]")))


def script(char: str) -> str | None:
    """The script of one character: "hangul", "kana", "han", "latin" (a Latin letter) or None."""
    for name, pattern in _SCRIPTS:
        if pattern.match(char):
            return name
    return "latin" if char.isalpha() and "LATIN" in unicodedata.name(char, "") else None


def detect_source_lang(text: str) -> str:
    """'ja' for text with kana or kanji, else 'en' (the only two source languages)."""
    return "ja" if JAPANESE_SCRIPT.search(text) else "en"

# An English snippet may quote a few names in Japanese script ("Shigeru Ishiba (石破茂)"); more
# than this many kana or kanji characters is Japanese text sent as English.
MAX_JAPANESE_IN_EN = 10


def language_pattern(lang: str) -> str:
    """``text_pattern()`` narrowed to one source language, as one anchored pattern (for OpenAPI):
    ``ja`` needs at least one kana or kanji; ``en`` allows at most ``MAX_JAPANESE_IN_EN``."""
    allowed = f"[^{FORBIDDEN}]*"
    if lang == "ja":
        return f"^{allowed}[{JAPANESE}]{allowed}$"
    other = f"[^{FORBIDDEN}{JAPANESE}]*"            # anything allowed but Japanese script
    visible = f"[^{FORBIDDEN}{BLANK}{JAPANESE}]"
    some = f"(?:[{JAPANESE}]{other})"
    return f"^(?:{other}{visible}{other}{some}{{0,{MAX_JAPANESE_IN_EN}}}|{other}{some}{{1,{MAX_JAPANESE_IN_EN}}})$"


def language_problem(lang: str, text: str) -> str | None:
    """Why ``text`` is plainly not in source language ``lang``, or None."""
    found = len(JAPANESE_SCRIPT.findall(text))
    if lang == "ja" and not found:
        return "is marked \"ja\" but has no Japanese script (kana or kanji); send English text as \"en\""
    if lang == "en" and found > MAX_JAPANESE_IN_EN:
        return (f"is marked \"en\" but has {found} kana or kanji characters (at most {MAX_JAPANESE_IN_EN}, for "
                "names); send Japanese text as \"ja\"")
    return None


# --- the form search compares ----------------------------------------------------------
_FORMAT = re.compile(r"[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")     # invisible: soft hyphen, zero-widths
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """NFKC (full- and half-width alike), case-folded, invisible format characters dropped."""
    return _FORMAT.sub("", unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()))


def search_form(text: str) -> str:
    """The form search compares: ``fold``, then runs of white space one space. Index and query
    both go through it, so a match is a plain substring test."""
    return _SPACES.sub(" ", fold(text)).strip()
