"""Which language a reader gets: the URL's, else the remembered choice, else the browser's."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.exceptions import HTTPException

from ..core.config import READING_LANGUAGES

COOKIE = "kakehashi_lang"
LANGUAGE_NAMES = {"en": "English", "ko": "한국어", "ja": "日本語"}


def preferred_language() -> str:
    """Cookie choice first, then Accept-Language, then English (PRODUCT.md)."""
    chosen = request.cookies.get(COOKIE)
    if chosen in READING_LANGUAGES:
        return chosen
    return request.accept_languages.best_match(READING_LANGUAGES) or "en"


def path_language() -> str | None:
    """``ko`` for ``/ko/nope``: a path under a language is answered in it, even when no route matched."""
    first = request.path.lstrip("/").split("/", 1)[0]
    return first if first in READING_LANGUAGES else None


def page_language() -> str:
    """Flask-Babel's locale selector: the language in the URL when there is one."""
    lang = ((request.view_args or {}).get("lang") or path_language()) if request else None
    return lang if lang in READING_LANGUAGES else preferred_language()


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path of one of our own pages, so the switcher cannot be an open redirect.

    Browsers and servers "repair" URLs (dropping tabs and newlines, reading ``\\`` as ``/``),
    so anything unusual is refused outright rather than cleaned up.
    """
    if not target or any(c.isspace() or not c.isprintable() or c == "\\" for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return fallback
    try:
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except HTTPException:
        return fallback
    return target
