"""Sentence boundaries for English and Japanese news text: one splitter for summaries and translation.

Machine translation uses it instead of argostranslate's default splitter (MiniSBD), which
downloads a model on first use and fails offline. Models are trained on single sentences, so a
text is translated sentence by sentence (in batches), line by line, and joined again.

Rule-based and linear in the text (regular expressions without backtracking, one pass over the
candidate terminators), so a story at the API's size limit splits in milliseconds, where pysbd
took seconds. Sentences are spans of the input, so every sentence is a verbatim substring.

Rules, in order:
- A line break always ends a sentence.
- A terminator inside a closed pair of quotes or brackets (「」『』“”"" () （）[]) does not end one:
  ``「ありがとう。」と言った`` and ``(1)関税…(5)投資`` stay whole. A terminator right before the
  closing mark may end the sentence after the mark (``"We agree." Then…``, ``「以上だ。」彼は…``).
- Japanese 。！？． end a sentence unless a particle or comma follows (``「はい！」と``, ``何？って``);
  ． after a Latin letter is an abbreviation (``Ｕ．Ｓ．``).
- ASCII . ! ? and ellipses end a sentence only before a space and a word that is not lowercase,
  and a single period not after a title (Mr.), an initial (F.) or a list number (``: 1.``);
  after an initialism or a company suffix (U.S., Inc.) only before a common sentence opener.
"""
from __future__ import annotations

import re
import unicodedata

_PAIRS = (r"「[^「」\n]{0,800}」", r"『[^『』\n]{0,800}』", r"“[^“”\n]{0,800}”", r'"[^"\n]{0,800}"',
          r"\([^()\n]{0,400}\)", r"（[^（）\n]{0,400}）", r"\[[^\[\]\n]{0,400}\]")
_ENCLOSED = re.compile("|".join(_PAIRS))
_TERMINATOR = re.compile(r"(?:[.!?…。！？．]|\.\.\.)++")
_CLOSERS = re.compile(r"[\"'”’」』)）\]]*+")
_WIDE_END = frozenset("。！？．")
_JA_CONTINUES = frozenset("とっ、，,")
_NEXT_WORD = re.compile(r"\s*+[\"'“‘(\[]*+([\w'’]*+)")
_TITLES = frozenset("""mr mrs ms dr prof st gen sen rep gov lt col sgt capt maj adm cmdr rev hon pres mt ft
    no nos vol vols vs v fig figs pp approx dept univ ave blvd rd jan feb mar apr jun jul aug sep sept oct
    nov dec""".split())
_SOMETIMES_FINAL = frozenset("inc ltd co corp bros jr sr etc plc llc".split())
_OPENERS = frozenset("""a an the he she it its they we i you this that these those there here his her their
    our my in on at for but and so yet if when while after before as since under over from by with
    meanwhile however still also officials some many most both all each no one two three""".split())
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_LIST_LEAD = re.compile(r"(?:^|[:;\n])\s*+$")


def split(text: str, lang: str) -> list[str]:
    """The sentences of ``text``, stripped, in order; no empty strings."""
    return [text[start:end] for start, end in spans(text, lang)]


def spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``: stripped of surrounding space, never empty."""
    enclosed = _enclosed_interiors(text)
    cuts = [m.end() for m in re.finditer(r"\n", text)]
    for m in _TERMINATOR.finditer(text):
        closers = _CLOSERS.match(text, m.end())
        end = closers.end() if closers else m.end()
        if not enclosed[end - 1] and _ends_sentence(text, m.start(), m.end(), end, lang):
            cuts.append(end)
    out, start = [], 0
    for cut in sorted(set(cuts)) + [len(text)]:
        piece = text[start:cut]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((start + lead, start + len(piece.rstrip())))
        start = max(start, cut)
    return out


def _enclosed_interiors(text: str) -> bytearray:
    """1 at each character strictly inside a closed quote or bracket pair, else 0."""
    marks = bytearray(len(text))
    for m in _ENCLOSED.finditer(text):
        marks[m.start() + 1:m.end() - 1] = b"\x01" * (m.end() - m.start() - 2)
    return marks


def _ends_sentence(text: str, start: int, stop: int, end: int, lang: str) -> bool:
    """Whether the terminator text[start:stop], with its closing marks up to ``end``, ends a sentence."""
    following = text[end:end + 1]
    before = unicodedata.normalize("NFKC", text[start - 1:start])
    if text[start:stop] == "．" and before.isascii() and before.isalpha():
        return False                                      # Ｕ．Ｓ．: a full-width abbreviation
    if _WIDE_END.intersection(text[start:stop]) or (lang == "ja" and text[start] in "!?"):
        return following not in _JA_CONTINUES
    if following and not following.isspace():
        return False
    following_word = _NEXT_WORD.match(text, end)
    nxt = following_word.group(1) if following_word else ""
    if not nxt:
        return True
    if nxt[0].islower():
        return False
    if text[start:stop] != "." or end != stop:
        return True
    word = text[text.rfind(" ", max(0, start - 40), start) + 1:start].lstrip("\"'“‘([")
    bare = word.strip(".'’&-").lower()
    if bare in _TITLES or (len(word) == 1 and word.isupper()):
        return False
    if word.isdigit() and len(word) <= 2 and _LIST_LEAD.search(text, max(0, start - len(word) - 4), start - len(word)):
        return False
    if bare in _SOMETIMES_FINAL or _INITIALISM.fullmatch(word):
        return nxt.lower() in _OPENERS
    return True


def split_lines(text: str) -> list[str]:
    """Lines of a text; line breaks are kept as they are, only sentences are translated."""
    return re.split(r"\r?\n", text)


def joiner(lang: str) -> str:
    """How translated sentences are put back together: Japanese and Chinese use no spaces."""
    return "" if lang in ("ja", "zh") else " "
