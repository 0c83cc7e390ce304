"""Protected spans: placeholders, URLs, e-mail addresses, @handles, #hashtags and numbers
survive translation.

Placeholders are what translation tools send in place of their own markup and what format
strings hold: Weblate's ``[X12X]``, ``%s``/``%(name)s``, ``{name}``/``{{name}}`` and tags such
as ``<b>`` and ``</b>`` in text mode (the words between tags are translated). URLs follow the
one rule of ``service.core.textrules.URL``, which the catalog check uses too.

A model may drop, garble, translate or duplicate them, so before decoding each span is replaced
by a placeholder (``[0]``, ``[1]`` …) and after decoding ``restore`` puts the spans back:

- every well-formed placeholder with a known index is replaced by its span, once;
- a placeholder seen again, or one with an unknown index, is dropped;
- a span whose placeholder the model lost is re-inserted (in source order) before the final
  punctuation of the output, or at its end.

So every span of the source appears verbatim in the result whatever the model wrote; ``missing``
is the check. Placeholders cannot collide with text: every digit of the source is inside a
number span, so after ``protect`` digits only occur in placeholders.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..core.textrules import URL_PATTERN

# Order matters: the first alternative that matches at a position wins.
_PLACEHOLDER = "|".join((
    r"\[X\d+X ?\]",                                        # Weblate's machinery: [X12X]
    r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>",             # a tag: <b>, </b>, <a href="…">, <br/>
    r"%(?:\([A-Za-z_]\w*\))?[-#0+]*\d*(?:\.\d+)?[sdifrx]",   # printf: %s, %d, %(name)s, %5.2f
    r"\{\{\s*[A-Za-z_][\w.]*\s*\}\}|\{[A-Za-z_]?\w*\}",         # {{name}}, {name}, {0}, {}
))
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_HANDLE = r"(?<![A-Za-z0-9_@.])@[A-Za-z0-9_]{1,30}(?![A-Za-z0-9_@])"
_HASHTAG = r"(?<![A-Za-z0-9_#&])#\w*[^\W\d_]\w*"
# Any digit, with the ASCII letters and separators glued to it: 2025-08-23, 3.5%, 12:30, G7, 1,000, 3rd.
_NUMBER = r"[A-Za-z]*\d(?:[\d,.:/-]*\d)?(?:[A-Za-z]+\d*)*%?"
SPAN = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in (
    ("placeholder", _PLACEHOLDER), ("url", URL_PATTERN), ("email", _EMAIL), ("handle", _HANDLE),
    ("hashtag", _HASHTAG), ("number", _NUMBER))))
PLACEHOLDER = re.compile(r"\[\s?(\d+)\s?\]")
_FINAL_PUNCTUATION = re.compile(r"[.!?。！？」』\"')]*$")


@dataclass(frozen=True)
class Span:
    kind: str           # placeholder, url, email, handle, hashtag, number
    text: str


@dataclass(frozen=True)
class Protected:
    text: str                   # the source with placeholders
    spans: tuple[Span, ...]     # placeholder i stands for spans[i]


def find_spans(text: str) -> list[Span]:
    return [Span(match.lastgroup or "number", match.group()) for match in SPAN.finditer(text)]


def protect(text: str) -> Protected:
    """Replace every protected span with ``[i]``."""
    spans: list[Span] = []

    def replace(match: re.Match[str]) -> str:
        spans.append(Span(match.lastgroup or "number", match.group()))
        return f"[{len(spans) - 1}]"

    return Protected(SPAN.sub(replace, text), tuple(spans))


def protect_with(text: str, extra: Sequence[tuple[int, int, Span]]) -> Protected:
    """``protect``, plus spans another rule found, as (start, end, span): each becomes a placeholder
    too and ``restore`` puts back its ``span.text`` (a glossary term's target term, ``glossary``).
    A span of this module's own rules wins over an extra span it overlaps."""
    if not extra:
        return protect(text)
    found = [(m.start(), m.end(), Span(m.lastgroup or "number", m.group())) for m in SPAN.finditer(text)]
    found += [item for item in extra if not any(start < item[1] and item[0] < end for start, end, _ in found)]
    parts: list[str] = []
    spans: list[Span] = []
    at = 0
    for start, end, span in sorted(found, key=lambda item: item[0]):
        parts += [text[at:start], f"[{len(spans)}]"]
        spans.append(span)
        at = end
    return Protected("".join(parts) + text[at:], tuple(spans))


def restore(output: str, protected: Protected, lang: str) -> str:
    """Put the spans back into a translation of ``protected.text`` (see the module docstring)."""
    spans = protected.spans
    if not spans:
        # a model may still invent placeholders: none of them means anything here
        return _tidy(PLACEHOLDER.sub("", output)) if PLACEHOLDER.search(output) else output
    placed: set[int] = set()

    def replace(match: re.Match[str]) -> str:
        index = int(match.group(1))
        if index >= len(spans) or index in placed:
            return ""
        placed.add(index)
        return spans[index].text

    text = PLACEHOLDER.sub(replace, output)
    lost = [span.text for index, span in enumerate(spans) if index not in placed]
    if lost:
        text = _insert(text, lost, lang)
    return _tidy(text)


def missing(output: str, source: str) -> list[str]:
    """The protected spans of ``source`` that do not appear verbatim in ``output``."""
    return [span.text for span in find_spans(source) if span.text not in output]


def _insert(text: str, lost: list[str], lang: str) -> str:
    glue = "" if lang in ("ja", "zh") else " "
    body = text.rstrip()
    end = _FINAL_PUNCTUATION.search(body)
    cut = end.start() if end else len(body)
    head, tail = body[:cut].rstrip(), body[cut:]
    addition = " ".join(lost)
    if glue or (head and head[-1].isascii() and head[-1].isalnum()):
        addition = " " + addition
    return (head + addition).strip() + tail


def _tidy(text: str) -> str:
    return re.sub(r"[ \t]{2,}", " ", text).strip()
