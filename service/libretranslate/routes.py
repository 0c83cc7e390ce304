"""The LibreTranslate API at the root: ``POST /translate``, ``GET /languages``, ``POST /detect``,
``GET /frontend/settings``, with LibreTranslate's request, response and error shapes.

Requests are JSON or form bodies; ``q`` a string or a list (JSON list, or ``q`` repeated in a
form). Errors are ``{"error": "..."}``: 400 for a bad request, an unsupported language or pair,
a missing key (when keys are required), a text over ``mt_char_limit`` or a list over
``mt_batch_limit``; 403 for a wrong key; 413 for a body over ``max_body_bytes``; 429 when the
key's rate limit is spent; 500 when translating fails. Request texts are never logged.
"""
from __future__ import annotations

import hmac
import logging
from typing import Any, Callable

from babel import Locale
from flask import Blueprint, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, HTTPException

from ..config import Settings
from . import detect as detection
from .backend import BackendFailed, PairUnavailable, TranslationBackend, TranslationResult
from .markup import Document, parse

View = Callable[..., ResponseReturnValue]

log = logging.getLogger(__name__)


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


# -- reading a request ------------------------------------------------------------------------
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


def _texts(body: dict[str, Any]) -> tuple[list[str], bool]:
    """``q`` as a list, and whether it came as one (the answer then is a list too)."""
    q = body.get("q")
    if q is None or q == "" or q == []:
        raise Refused(400, "Invalid request: missing q parameter")
    if isinstance(q, str):
        return [q if request.is_json else "\n".join(q.splitlines())], False
    if isinstance(q, list) and all(isinstance(item, str) for item in q):
        return ([item if request.is_json else "\n".join(item.splitlines()) for item in q]), True
    raise Refused(400, "Invalid request: q must be a string or a list of strings")


def _language(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not value:
        raise Refused(400, f"Invalid request: missing {name} parameter")
    if not isinstance(value, str):
        raise Refused(400, f"Invalid request: {name} must be a language code")
    return value.strip().lower()


def _alternatives(body: dict[str, Any], limit: int) -> int:
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


def _translatable(text: str) -> bool:
    return any(char.isalnum() for char in text)


# -- the blueprint ----------------------------------------------------------------------------
EXTENSION = "kakehashi_libretranslate"


def current_backend() -> TranslationBackend:
    """The app's backend (``use_backend``), looked up per request so it can be swapped."""
    backend: TranslationBackend = current_app.extensions[EXTENSION]
    return backend


def create_blueprint(settings: Settings, limit: Callable[[View], View] = lambda view: view) -> Blueprint:
    """The blueprint; ``limit`` decorates the views that cost work (/translate, /detect)."""
    bp = Blueprint("libretranslate", __name__)
    keys = tuple(settings.api_tokens) + tuple(settings.mt_api_keys)

    def check_key() -> None:
        key = request_api_key()
        if key is not None:
            if not any(hmac.compare_digest(key.encode(), allowed.encode()) for allowed in keys):
                raise Refused(403, "Invalid API key")
        elif not settings.mt_anonymous:
            raise Refused(400, "Please contact the server operator to get an API key")

    def languages() -> dict[str, list[str]]:
        targets: dict[str, set[str]] = {}
        for source, target in current_backend().pairs():
            targets.setdefault(source, set()).add(target)
            targets.setdefault(target, set())
        return {code: sorted(found) for code, found in sorted(targets.items())}

    @bp.errorhandler(Refused)
    def refused(error: Refused) -> ResponseReturnValue:
        return jsonify({"error": error.message}), error.status

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        message = error.description or error.name
        headers: dict[str, str] = {}
        if error.code == 429:
            message = f"Slowdown: {message}"
            headers = {name: value for name, value in error.get_headers() if name == "Retry-After"}
        elif isinstance(error, BadRequest) and error.code == 400 and request.is_json:
            message = "Invalid JSON format"
        return jsonify({"error": message}), error.code or 500, headers

    @bp.after_request
    def cors(response: Response) -> Response:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        return response

    @bp.get("/languages")
    def list_languages() -> ResponseReturnValue:
        return jsonify([{"code": code, "name": language_name(code), "targets": targets}
                        for code, targets in languages().items()])

    @bp.route("/frontend/settings")
    def frontend_settings() -> ResponseReturnValue:
        codes = list(languages())
        target = next((code for code in codes if code != "en"), codes[0] if codes else "en")
        return jsonify({
            "charLimit": settings.mt_char_limit, "frontendTimeout": 500, "apiKeys": True,
            "keyRequired": not settings.mt_anonymous, "suggestions": False, "filesTranslation": False,
            "supportedFilesFormat": [],
            "language": {"source": {"code": "auto", "name": "Auto Detect"},
                         "target": {"code": target, "name": language_name(target)}},
        })

    @bp.post("/detect")
    @limit
    def detect() -> ResponseReturnValue:
        body = request_params()          # a malformed or oversized body is refused first, as LibreTranslate does
        check_key()
        texts, _listed = _texts(body)
        return jsonify(detection.detect(" ".join(texts)))

    @bp.post("/translate")
    @limit
    def translate() -> ResponseReturnValue:
        body = request_params()
        check_key()
        texts, listed = _texts(body)
        source, target = _language(body, "source"), _language(body, "target")
        text_format = body.get("format") or "text"
        if text_format not in ("text", "html"):
            raise Refused(400, f"{text_format} format is not supported")
        alternatives = _alternatives(body, settings.mt_alternatives_limit)
        if listed and len(texts) > settings.mt_batch_limit:
            raise Refused(400, f"Invalid request: request ({len(texts)}) exceeds text limit "
                               f"({settings.mt_batch_limit})")
        for text in texts:
            if len(text) > settings.mt_char_limit:
                raise Refused(400, f"Invalid request: request ({len(text)}) exceeds text limit "
                                   f"({settings.mt_char_limit})")
        known = languages()
        if source != "auto" and source not in known:
            raise Refused(400, f"{source} is not supported")
        if target not in known:
            raise Refused(400, f"{target} is not supported")
        documents = [parse(text) for text in texts] if text_format == "html" else None
        if source == "auto":
            plain = [document.text() for document in documents] if documents else texts
            detected = [detection.detect_language(text) for text in plain]
            sources = [found["language"] for found in detected]
        else:
            detected, sources = [], [source] * len(texts)
        translated: list[str] = list(texts)
        others: list[list[str]] = [[] for _ in texts]
        provenance: list[str] = ["source"] * len(texts)     # extra field: clients ignore it
        for lang in dict.fromkeys(sources):
            indexes = [i for i, found in enumerate(sources) if found == lang]
            if lang == target:                       # nothing to translate: the text as it is
                continue
            if lang not in known or target not in known[lang]:
                raise Refused(400, f"{language_name(target)} ({target}) is not available as a target language "
                                   f"from {language_name(lang)} ({lang})")
            if documents is not None:
                _translate_html(current_backend(), documents, indexes, lang, target, translated, provenance)
            else:
                _translate_text(current_backend(), texts, indexes, lang, target, alternatives, translated, others,
                                provenance)
        result: dict[str, Any] = {"translatedText": translated if listed else translated[0]}
        if source == "auto":
            result["detectedLanguage"] = detected if listed else detected[0]
        if alternatives > 0:
            result["alternatives"] = others if listed else others[0]
        result["provenance"] = provenance if listed else provenance[0]
        return jsonify(result)

    return bp


def _call(backend: TranslationBackend, texts: list[str], source: str, target: str,
          alternatives: int) -> list[TranslationResult]:
    try:
        return backend.translate(texts, source, target, alternatives)
    except PairUnavailable:
        raise Refused(400, f"{language_name(target)} ({target}) is not available as a target language "
                           f"from {language_name(source)} ({source})") from None
    except BackendFailed as error:
        log.error("translation %s-%s failed: %s", source, target, error)
        raise Refused(500, f"Cannot translate text: {error}") from None


def _translate_text(backend: TranslationBackend, texts: list[str], indexes: list[int], source: str, target: str,
                    alternatives: int, translated: list[str], others: list[list[str]], provenance: list[str]) -> None:
    wanted = [i for i in indexes if _translatable(texts[i])]
    if not wanted:
        return
    results = _call(backend, [texts[i] for i in wanted], source, target, alternatives)
    for i, result in zip(wanted, results, strict=True):
        translated[i] = result.text
        others[i] = list(result.alternatives)
        provenance[i] = result.provenance


def _translate_html(backend: TranslationBackend, documents: list[Document], indexes: list[int], source: str, target: str,
                    translated: list[str], provenance: list[str]) -> None:
    nodes = [(i, node) for i in indexes for node in documents[i].texts()]
    results = _call(backend, [node for _i, node in nodes], source, target, 0) if nodes else []
    cursor = 0
    for i in indexes:
        count = len(documents[i].nodes)
        mine = results[cursor:cursor + count]
        translated[i] = documents[i].render([r.text for r in mine])
        if mine:
            kinds = {r.provenance for r in mine}
            provenance[i] = kinds.pop() if len(kinds) == 1 else "machine"
        cursor += count


