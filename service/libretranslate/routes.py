"""The LibreTranslate API at the root: ``POST /translate``, ``GET /languages``, ``POST /detect``,
``GET /health``, ``GET /frontend/settings``, with LibreTranslate's request, response and error
shapes; ``POST /suggest`` and ``POST /translate_file`` answer LibreTranslate's JSON 403 for a
feature switched off (clients probe them).

Requests are JSON or form bodies; ``q`` a string or a list (JSON list, or ``q`` repeated in a
form). Errors are ``{"error": "..."}``: 400 for a bad request, an unsupported language or pair,
a missing key (when keys are required), a text over ``mt_char_limit`` or a list over
``mt_batch_limit``; 403 for a wrong key; 405 for a wrong method; 413 for a body over
``Settings.mt_body_bytes``; 414 for a request line over ``Settings.mt_request_line_bytes``; 429
when the key's rate limit is spent; 500 when translating fails. Request texts are never logged.
"""
from __future__ import annotations

import hmac
import logging
from typing import Any, Callable

from flask import Blueprint, Response, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, HTTPException

from ..core.config import Settings
from ..usecases.translating import BackendFailed, PairUnavailable, TranslationBackend, TranslationResult
from . import detect as detection
from .markup import Document, parse
from .requests import Refused, language_name, read_alternatives, read_language, read_texts, request_api_key, request_params

View = Callable[..., ResponseReturnValue]


EXTENSION = "kakehashi_libretranslate"
PATHS = frozenset({"/translate", "/languages", "/detect", "/health", "/frontend/settings", "/suggest",
                   "/translate_file"})
log = logging.getLogger(__name__)


def is_libretranslate_request() -> bool:
    """Is this request for the LibreTranslate face (its errors then take LibreTranslate's shape)?"""
    return request.path in PATHS


def error_response(error: HTTPException) -> ResponseReturnValue:
    """LibreTranslate's shape of an HTTP error: ``{"error": "<string>"}``."""
    message = error.description or error.name
    headers: dict[str, str] = {}
    if error.code == 429:
        message = f"Slowdown: {message}"
        headers = {name: value for name, value in error.get_headers() if name == "Retry-After"}
    elif error.code == 405:
        headers = {name: value for name, value in error.get_headers() if name == "Allow"}
    elif isinstance(error, BadRequest) and error.code == 400 and request.is_json:
        message = "Invalid JSON format"
    return jsonify({"error": message}), error.code or 500, headers


def current_backend() -> TranslationBackend:
    """The app's backend (``use_backend``), looked up per request so it can be swapped."""
    backend: TranslationBackend = current_app.extensions[EXTENSION]
    return backend


def create_blueprint(settings: Settings, limit: Callable[[View], View] = lambda view: view) -> Blueprint:
    """The blueprint; ``limit`` decorates the views that cost work (/translate, /detect)."""
    bp = Blueprint("libretranslate", __name__)
    keys = settings.mt_keys

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
        return error_response(error)

    @bp.errorhandler(Exception)
    def unexpected(error: Exception) -> ResponseReturnValue:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify({"error": "Cannot translate text: the server failed; the error is logged"}), 500

    @bp.before_request
    def body_limit() -> None:
        """Room for ``mt_batch_limit`` texts of ``mt_char_limit`` characters (the app's limit
        is sized for stories)."""
        request.max_content_length = settings.mt_body_bytes

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

    @bp.get("/health")
    def health() -> ResponseReturnValue:
        return jsonify({"status": "ok"})

    @bp.post("/suggest")
    def suggest() -> ResponseReturnValue:
        raise Refused(403, "Suggestions are disabled on this server.")

    @bp.post("/translate_file")
    def translate_file() -> ResponseReturnValue:
        raise Refused(403, "Files translation are disabled on this server.")

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
        texts, _listed = read_texts(body)
        return jsonify(detection.detect(" ".join(texts)))

    @bp.post("/translate")
    @limit
    def translate() -> ResponseReturnValue:
        body = request_params()
        check_key()
        texts, listed = read_texts(body)
        source, target = read_language(body, "source"), read_language(body, "target")
        text_format = body.get("format") or "text"
        if text_format not in ("text", "html"):
            raise Refused(400, f"{text_format} format is not supported")
        alternatives = read_alternatives(body, settings.mt_alternatives_limit)
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
                answer_html(current_backend(), documents, indexes, lang, target, translated, provenance)
            else:
                answer_texts(current_backend(), texts, indexes, lang, target, alternatives, translated, others,
                             provenance)
        result: dict[str, Any] = {"translatedText": translated if listed else translated[0]}
        if source == "auto":
            result["detectedLanguage"] = detected if listed else detected[0]
        if alternatives > 0:
            result["alternatives"] = others if listed else others[0]
        result["provenance"] = provenance if listed else provenance[0]
        return jsonify(result)

    return bp


# --- answering: texts and HTML documents through the backend ---------------------------
# Texts with nothing to translate (no letter or digit) are returned as they came; an HTML
# document is translated text node by text node and put back together around its markup.
def _translatable(text: str) -> bool:
    return any(char.isalnum() for char in text)


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


def answer_texts(backend: TranslationBackend, texts: list[str], indexes: list[int], source: str, target: str,
                 alternatives: int, translated: list[str], others: list[list[str]], provenance: list[str]) -> None:
    """Fill ``translated``, ``others`` and ``provenance`` at ``indexes`` (texts from ``source``)."""
    wanted = [i for i in indexes if _translatable(texts[i])]
    if not wanted:
        return
    results = _call(backend, [texts[i] for i in wanted], source, target, alternatives)
    for i, result in zip(wanted, results, strict=True):
        translated[i] = result.text
        others[i] = list(result.alternatives)
        provenance[i] = result.provenance


def answer_html(backend: TranslationBackend, documents: list[Document], indexes: list[int], source: str, target: str,
                translated: list[str], provenance: list[str]) -> None:
    """The same for HTML documents: one backend call over all their text nodes, markup kept."""
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
