"""Kakehashi: trustworthy news summaries from English and Japanese sources, read in en/ko/ja.

``create_app()`` builds the Flask app; nothing is read, loaded or connected at import time.
"""
from __future__ import annotations

import logging

from flask import Flask

from .core.config import PROJECT_ROOT, Settings, settings_from_env


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or settings_from_env()
    app = Flask(__name__, instance_path=str(settings.instance_dir), instance_relative_config=False,
                template_folder=str(PROJECT_ROOT / "templates"))
    app.config["KAKEHASHI"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.config["SECRET_KEY"] = settings.secret_key or None
    logging.basicConfig(level=settings.log_level)

    from .api import register_api
    from .cli import register_cli
    from .faces import register_not_found
    from .http.wiring import memory_first_backend, rate_counters, register_services
    from .libretranslate import register_libretranslate
    from .libretranslate.spec import register_spec
    from .web import register_pages

    register_services(app, settings)
    register_pages(app)
    register_api(app)
    register_not_found(app)
    services = app.extensions["kakehashi"]
    register_libretranslate(app, memory_first_backend(services, services.jobs.engine_call),
                            rate_counters(settings.mt_rate_limit_storage, services.store))
    register_spec(app)
    register_cli(app)
    return app
