"""Which language a reader gets: the URL's, else the remembered choice, else the browser's."""
from __future__ import annotations

from flask import request

from ..config import READING_LANGUAGES

COOKIE = "kakehashi_lang"
LANGUAGE_NAMES = {"en": "English", "ko": "한국어", "ja": "日本語"}


def preferred_language() -> str:
    """Cookie choice first, then Accept-Language, then English (PRODUCT.md)."""
    chosen = request.cookies.get(COOKIE)
    if chosen in READING_LANGUAGES:
        return chosen
    return request.accept_languages.best_match(READING_LANGUAGES) or "en"


def page_language() -> str:
    """Flask-Babel's locale selector: the language in the URL when there is one."""
    lang = (request.view_args or {}).get("lang") if request else None
    return lang if lang in READING_LANGUAGES else preferred_language()


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths, so the switcher cannot be used as an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return fallback
