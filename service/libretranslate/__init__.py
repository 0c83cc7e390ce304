"""The LibreTranslate-compatible face: ``/translate``, ``/languages``, ``/detect``,
``/health``, ``/frontend/settings`` (and JSON 403s for the switched-off ``/suggest`` and
``/translate_file``) at the root, for every program that speaks LibreTranslate's API.

``register_libretranslate(app, backend)`` adds the blueprint and its per-key rate limit
(``ratelimit``: the ``limits`` library; hits counted in the store by default, in Redis when
``KAKEHASHI_MT_RATE_LIMIT_STORAGE`` is ``redis://…``). The backend is any ``TranslationBackend``;
``service.http.wiring.memory_first_backend`` builds the one the service uses (``service.usecases.translating``).
"""
from __future__ import annotations

from flask import Flask
from limits import storage

from ..usecases.translating import TranslationBackend
from .ratelimit import RateLimit
from .requests import request_api_key, request_params
from .routes import EXTENSION, create_blueprint


def register_libretranslate(app: Flask, backend: TranslationBackend, counted_in: storage.Storage) -> RateLimit:
    """Register the blueprint at the root, rate-limited per API key (or address without one);
    ``counted_in``: where hits are counted (``service.http.wiring.rate_counters``)."""
    settings = app.config["KAKEHASHI"]

    def cost() -> int:
        """A list of n texts costs n requests, as in LibreTranslate."""
        try:
            q = request_params().get("q")
        except Exception:  # noqa: BLE001 - a bad body is refused by the view itself
            return 1
        return max(1, len(q)) if isinstance(q, list) else 1

    limit = RateLimit(settings.mt_rate_limit, counted_in,
                      settings.mt_keys, request_api_key, cost,
                      dict(settings.mt_key_rate_limits))
    app.register_blueprint(create_blueprint(settings, limit))
    use_backend(app, backend)
    return limit


def use_backend(app: Flask, backend: TranslationBackend) -> None:
    """The backend the face calls from now on (tests swap in an in-process engine call)."""
    app.extensions[EXTENSION] = backend
