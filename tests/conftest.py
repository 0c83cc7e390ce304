"""Shared fixtures, flaskr-style: every test gets an app on a fresh SQLite file, a client, a runner.

Also: a copy of the project's catalogs per test (tests may write them), and a real server
process started the way ``make serve`` starts it. Only fixtures live here; what tests import
lives in ``tests/support/``.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface

from service.core.config import PROJECT_ROOT, Settings
from support.app import TOKEN, make_app
from support.server import LiveServer
from support.tracked import copy_tracked

pytest_plugins = ["support.mt_fixtures", "support.catalog_fixtures", "support.queue_fixtures"]

@pytest.fixture(scope="session", autouse=True)
def no_shell_settings():
    """The shell's KAKEHASHI_* (an operator's real store, queue, folders) never reach a test: each
    test builds its Settings, and the processes it starts get them from ``server_env``."""
    saved = {name: os.environ.pop(name) for name in list(os.environ) if name.startswith("KAKEHASHI_")}
    yield
    os.environ.update(saved)


@pytest.fixture(scope="session")
def compiled_translations(tmp_path_factory) -> Path:
    """The project's tracked catalogs with the UI ones compiled, made once per session: nothing a
    used checkout added (an exported ``content.po``, compiled ``.mo`` files) reaches a test."""
    target = copy_tracked(PROJECT_ROOT, "translations", tmp_path_factory.mktemp("translations-template") / "translations")
    CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(target), "-D", "messages"])
    return target


@pytest.fixture
def translations_dir(tmp_path, compiled_translations) -> Path:
    target = tmp_path / "translations"
    shutil.copytree(compiled_translations, target)
    return target


@pytest.fixture
def settings(tmp_path, translations_dir) -> Settings:
    return Settings(instance_dir=tmp_path / "instance", translations_dir=translations_dir,
                    api_tokens=(TOKEN,), mt_background=False, catalog_poll_seconds=0, catalog_settle_seconds=0,
                    mt_max_decoding_length=16)


@pytest.fixture
def app(settings):
    app = make_app(settings)
    yield app
    app.extensions["kakehashi"].jobs.close()
    app.extensions["kakehashi"].store.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth() -> dict:
    return {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def live_server(settings):
    server = LiveServer(settings)
    yield server
    server.stop()
