"""The LibreTranslate-compatible face: ``/translate``, ``/languages``, ``/detect``,
``/health``, ``/frontend/settings`` (and JSON 403s for the switched-off ``/suggest`` and
``/translate_file``) at the root, for every program that speaks LibreTranslate's API.

``register_libretranslate(app, backend)`` adds the blueprint and its per-key rate limit
(``ratelimit``: the ``limits`` library; hits counted in the store by default, in Redis when
``KAKEHASHI_MT_RATE_LIMIT_STORAGE`` is ``redis://…``). The backend is any ``TranslationBackend``; ``memory_first_backend``
builds the one the service uses, given the call that reaches the engine.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, g, has_request_context

from ..documents import DocumentCache
from ..store.versions import SiteVersion
from ..translate.memory import EngineCall, SentenceMemory
from .backend import BackendFailed, MemoryFirstBackend, PairUnavailable, TranslationBackend, TranslationResult
from .ratelimit import RateLimit, counters
from .requests import request_api_key, request_params
from .routes import EXTENSION, create_blueprint

if TYPE_CHECKING:                 # wiring builds the app's services; importing it here would be a cycle
    from ..wiring import Services

__all__ = ["register_libretranslate", "use_backend", "memory_first_backend", "TranslationBackend", "TranslationResult",
           "MemoryFirstBackend", "PairUnavailable", "BackendFailed"]


ANSWER_CACHE_BYTES = 2 * 1024 * 1024       # whole /translate answers kept per process


def memory_first_backend(services: Services, engine_call: EngineCall) -> MemoryFirstBackend:
    """The service's backend: the store's sentence memory, the pairs the workers published (no
    model is ever loaded here), and ``engine_call`` for the sentences the memory has not seen."""

    def site() -> SiteVersion:
        """The store's versions, read once per request: one /translate asks for the pairs, the
        answer's version and, on a miss, the engines (three probes without this)."""
        if not has_request_context():
            return services.reading.site()
        if "kakehashi_site" not in g:
            g.kakehashi_site = services.reading.site()
        found: SiteVersion = g.kakehashi_site
        return found

    return MemoryFirstBackend(SentenceMemory(services.store), lambda: services.reading.engines(site()), engine_call,
                              version=lambda: site().generation, answers=DocumentCache(ANSWER_CACHE_BYTES))


def register_libretranslate(app: Flask, backend: TranslationBackend) -> RateLimit:
    """Register the blueprint at the root, rate-limited per API key (or address without one)."""
    settings = app.config["KAKEHASHI"]

    def cost() -> int:
        """A list of n texts costs n requests, as in LibreTranslate."""
        try:
            q = request_params().get("q")
        except Exception:  # noqa: BLE001 - a bad body is refused by the view itself
            return 1
        return max(1, len(q)) if isinstance(q, list) else 1

    store = app.extensions["kakehashi"].store
    limit = RateLimit(settings.mt_rate_limit, counters(settings.mt_rate_limit_storage, store),
                      settings.mt_keys, request_api_key, cost,
                      dict(settings.mt_key_rate_limits))
    app.register_blueprint(create_blueprint(settings, limit))
    use_backend(app, backend)
    return limit


def use_backend(app: Flask, backend: TranslationBackend) -> None:
    """The backend the face calls from now on (tests swap in an in-process engine call)."""
    app.extensions[EXTENSION] = backend
