"""Language detection by script, enough for the languages we translate (en, ja, ko).

Hangul means Korean; kana means Japanese; Han characters without kana or Hangul are taken as
Japanese (we translate no Chinese); Latin letters mean English. Confidence (0-100, as
LibreTranslate gives it) is the share of the text's letters that belong to the language.
"""
from __future__ import annotations

from typing import Any

from ..core.textrules import script


def detect(text: str) -> list[dict[str, Any]]:
    """``[{"confidence": float, "language": code}, …]``, most likely first; never empty."""
    counts = {"hangul": 0, "kana": 0, "han": 0, "latin": 0}
    for char in text:
        found = script(char)
        if found:
            counts[found] += 1
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
