"""Weblate's LibreTranslate machinery, replayed request for request (Weblate itself is a Django
site with a database and Celery: too much to install for a test).

From ``weblate/machinery/base.py`` and ``weblate/machinery/libretranslate.py``:
- the settings check: ``GET {url}/languages`` (codes only; ``targets`` are ignored, so Weblate
  offers every pair of listed codes), then ``["test"]`` translated from ``en`` to ``de``
  (``validate_source_language``/``validate_target_language``, hard-coded);
- every request carries ``Referer`` and ``Accept: application/json; charset=utf-8`` and a
  20-second timeout (``request_timeout = 20``);
- translations are ``POST {url}/translate`` with a JSON body ``{"api_key", "q": [texts],
  "source", "target"}``, at most ``batch_size = 20`` texts;
- before sending, each placeholder (Weblate highlights format strings: ``%s``, ``{name}`` …) is
  replaced by ``[X<offset>X]``; after, ``\\[X<offset>X *\\]`` is replaced back
  (``cleanup_text``/``uncleanup_text``);
- a 429, 401, 403 or 503 makes Weblate stop using the service for 30 minutes
  (``is_rate_limit_error``, ``set_rate_limit``: ``cache.set(..., 1800)``).
"""
from __future__ import annotations

import re
import time

import httpx

BATCH_SIZE = 20
REQUEST_TIMEOUT = 20
RATE_LIMIT_SECONDS = 1800
RATE_LIMIT_STATUSES = {456, 429, 401, 403, 503}
# What Weblate's check highlighting finds in a python-format or c-format string, enough for these tests.
HIGHLIGHT = re.compile(r"%(?:\([A-Za-z_]\w*\))?[sd]|\{[A-Za-z_]\w*\}")


class MachineryError(Exception):
    """What Weblate shows: the HTTP error and the service's ``error`` text."""


class LibreTranslateMachinery:
    def __init__(self, url: str, key: str, site_url: str = "https://weblate.example.org/"):
        self.url, self.key = url.rstrip("/"), key
        self.headers = {"Referer": site_url, "Accept": "application/json; charset=utf-8"}
        self.rate_limited_until = 0.0

    def is_rate_limited(self) -> bool:
        return time.time() < self.rate_limited_until

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        response = httpx.request(method, f"{self.url}/{path}", headers=self.headers, timeout=REQUEST_TIMEOUT,
                                 **kwargs)
        if response.status_code >= 400:
            if response.status_code in RATE_LIMIT_STATUSES:
                self.rate_limited_until = time.time() + RATE_LIMIT_SECONDS
            detail = response.json().get("error") if "json" in response.headers.get("content-type", "") else None
            raise MachineryError(f"{response.status_code}: {detail or response.text[:200]}")
        return response

    def download_languages(self) -> list[str]:
        return [item["code"] for item in self.request("GET", "languages").json()]

    def validate_settings(self) -> None:
        """Weblate's "Could not fetch supported languages" / "Could not fetch translation" check."""
        self.download_languages()
        self.download_multiple_translations("en", "de", ["test"])

    def download_multiple_translations(self, source: str, target: str, texts: list[str]) -> list[str]:
        assert len(texts) <= BATCH_SIZE
        payload = {"api_key": self.key, "q": texts, "source": source, "target": target}
        return self.request("POST", "translate", json=payload).json()["translatedText"]

    def translate(self, source: str, target: str, texts: list[str]) -> list[str]:
        """With Weblate's placeholder clean-up around the request."""
        cleaned = [cleanup_text(text) for text in texts]
        translated = self.download_multiple_translations(source, target, [text for text, _ in cleaned])
        return [uncleanup_text(replacements, text) for (_, replacements), text in zip(cleaned, translated, strict=True)]


def cleanup_text(text: str) -> tuple[str, dict[str, str]]:
    replacements: dict[str, str] = {}
    parts, start = [], 0
    for match in HIGHLIGHT.finditer(text):
        placeholder = f"[X{match.start()}X]"
        replacements[placeholder] = match.group()
        parts += [text[start:match.start()], placeholder]
        start = match.end()
    parts.append(text[start:])
    return "".join(parts), replacements


def uncleanup_text(replacements: dict[str, str], text: str) -> str:
    for placeholder, original in replacements.items():
        pattern = f"{re.escape(placeholder[:-1])} *{re.escape(placeholder[-1:])}"
        text = re.sub(pattern, lambda _match, original=original: original, text)
    return text
