"""Reading a LibreTranslate request: its parameters, key, texts and languages, or a refusal.

LibreTranslate's own request shapes (a JSON object or a form, ``q`` a string or a list) and its
exact error messages, so that a client written for LibreTranslate gets what it expects.
"""
from __future__ import annotations

from typing import Any

from babel import Locale
from flask import g, request
from werkzeug.exceptions import HTTPException


class Refused(Exception):
    """A request answered with ``{"error": message}`` and ``status``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def language_name(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name("en") or code
    except (ValueError, LookupError):
        return code


def request_params() -> dict[str, Any]:
    """The request's parameters: the JSON object, or the form and query values."""
    cached: dict[str, Any] | None = g.get("libretranslate_params")
    if cached is not None:
        return cached
    if request.is_json:
        data = request.get_json(silent=False)
        if not isinstance(data, dict):
            raise Refused(400, "Invalid JSON format")
        body = data
    else:
        body = {key: (values if key == "q" and len(values) > 1 else values[0])
                for key, values in request.values.lists()}
    g.libretranslate_params = body
    return body


def request_api_key() -> str | None:
    try:
        key = request_params().get("api_key")
    except (Refused, HTTPException):
        key = None
    if not key:
        header = request.headers.get("Authorization", "")
        key = header[7:].strip() if header.startswith("Bearer ") else None
    return key if isinstance(key, str) and key else None


def read_texts(body: dict[str, Any]) -> tuple[list[str], bool]:
    """``q`` as a list, and whether it came as one (the answer then is a list too)."""
    q = body.get("q")
    if q is None or q == "" or q == []:
        raise Refused(400, "Invalid request: missing q parameter")
    if isinstance(q, str):
        return [q if request.is_json else "\n".join(q.splitlines())], False
    if isinstance(q, list) and all(isinstance(item, str) for item in q):
        return ([item if request.is_json else "\n".join(item.splitlines()) for item in q]), True
    raise Refused(400, "Invalid request: q must be a string or a list of strings")


def read_language(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not value:
        raise Refused(400, f"Invalid request: missing {name} parameter")
    if not isinstance(value, str):
        raise Refused(400, f"Invalid request: {name} must be a language code")
    return value.strip().lower()


def read_alternatives(body: dict[str, Any], limit: int) -> int:
    raw = body.get("alternatives", 0)
    if isinstance(raw, bool):
        raise Refused(400, "Invalid request: alternatives parameter is not a number")
    try:
        count = max(0, int(raw or 0))
    except (TypeError, ValueError):
        raise Refused(400, "Invalid request: alternatives parameter is not a number") from None
    if count > limit:
        raise Refused(400, f"Invalid request: alternatives parameter must be <= {limit}")
    return count
