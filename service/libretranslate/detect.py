"""Language detection by script, enough for the languages we translate (en, ja, ko).

Hangul means Korean; kana means Japanese; Han characters without kana or Hangul are taken as
Japanese (we translate no Chinese); Latin letters mean English. Confidence (0-100, as
LibreTranslate gives it) is the share of the text's letters that belong to the language.
"""
from __future__ import annotations

import unicodedata
from typing import Any


def _script(char: str) -> str | None:
    code = ord(char)
    if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "kana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if char.isalpha() and "LATIN" in unicodedata.name(char, ""):
        return "latin"
    return None


def detect(text: str) -> list[dict[str, Any]]:
    """``[{"confidence": float, "language": code}, …]``, most likely first; never empty."""
    counts = {"hangul": 0, "kana": 0, "han": 0, "latin": 0}
    for char in text:
        script = _script(char)
        if script:
            counts[script] += 1
    total = sum(counts.values())
    if not total:
        return [{"confidence": 0.0, "language": "en"}]
    han_to = "ko" if counts["hangul"] > counts["kana"] else "ja"
    scores = {"en": counts["latin"], "ja": counts["kana"], "ko": counts["hangul"]}
    scores[han_to] += counts["han"]
    ranked = sorted(((score, lang) for lang, score in scores.items() if score), reverse=True)
    return [{"confidence": round(100.0 * score / total, 1), "language": lang} for score, lang in ranked]


def detect_language(text: str) -> dict[str, Any]:
    return detect(text)[0]
