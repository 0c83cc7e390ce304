"""Shared fixtures, flaskr-style: every test gets an app on a fresh SQLite file, a client, a runner.

Also: a copy of the project's catalogs per test (tests may write them), and a real server
process started the way ``make serve`` starts it.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface

from service import create_app
from service.cli import demo_stories
from service.config import PROJECT_ROOT, Settings
from service.store.migrate import upgrade
from service.stories import upsert_story
from support.tracked import copy_tracked

pytest_plugins = ["mt_fixtures", "catalog_fixtures", "queue_fixtures"]

TOKEN = "test-token-0123456789"
DEMO_ID = "lee-jae-myung-visits-japan"


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


def make_app(settings: Settings, demo: bool = True):
    app = create_app(settings)
    app.config["TESTING"] = True
    upgrade(settings.database_url)
    if demo:
        with app.app_context():
            for story in demo_stories():
                upsert_story(app.extensions["kakehashi"].store, story)
    return app


@pytest.fixture
def app(settings):
    app = make_app(settings)
    yield app
    app.extensions["kakehashi"].jobs.close()
    app.extensions["kakehashi"].store.dispose()


def store_machine_texts(app, lang: str, engine: str, translate) -> None:
    """Machine text for every English field, stored as a worker stores it, its engine published."""
    from service.store import FieldRow, MachineTranslationRow
    from service.store.changes import bump_stories_with_texts, publish_engines

    store = app.extensions["kakehashi"].store
    with store.transaction() as session:
        fields = session.query(FieldRow).filter(FieldRow.source_lang == "en").all()
        for field in {f.source_hash: f for f in fields}.values():
            session.add(MachineTranslationRow(source_hash=field.source_hash, target_lang=lang, engine=engine,
                                              source_lang="en", text=translate(field.source_text)))
        publish_engines(session, {("en", lang): engine})
        bump_stories_with_texts(session, [f.source_hash for f in fields])


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth() -> dict:
    return {"Authorization": f"Bearer {TOKEN}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


NO_NETWORK = Path(__file__).resolve().parent / "no_network"


def server_env(settings: Settings, port: int) -> dict:
    """Environment of a process the tests start: our settings, and no network (sitecustomize)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAKEHASHI_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(NO_NETWORK), env.get("PYTHONPATH")]))
    env.update({
        "KAKEHASHI_HOST": "127.0.0.1", "KAKEHASHI_PORT": str(port),
        "KAKEHASHI_INSTANCE_DIR": str(settings.instance_dir),
        "KAKEHASHI_DATABASE_URL": settings.database_url,
        "KAKEHASHI_MODELS_DIR": str(settings.models_dir),
        "KAKEHASHI_TRANSLATIONS_DIR": str(settings.translations_dir),
        "KAKEHASHI_API_TOKENS": ",".join(settings.api_tokens),
        "KAKEHASHI_CATALOG_POLL_SECONDS": "0.5",
        "KAKEHASHI_CATALOG_SETTLE_SECONDS": str(settings.catalog_settle_seconds),
        "KAKEHASHI_MT_MAX_DECODING_LENGTH": str(settings.mt_max_decoding_length),
    })
    env["KAKEHASHI_QUEUE_URL"] = settings.queue_url           # "" is the SQLite queue in the instance folder
    env["KAKEHASHI_MT_RATE_LIMIT_STORAGE"] = settings.mt_rate_limit_storage
    return env


class LiveServer:
    """A gunicorn process serving the app as ``make serve`` does, on a free loopback port."""

    def __init__(self, settings: Settings, env: dict | None = None):
        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        bin_dir = Path(sys.executable).parent
        self.env = {**server_env(settings, self.port), **(env or {})}
        subprocess.run([str(bin_dir / "kakehashi"), "init"], env=self.env, check=True, capture_output=True)
        self.log = settings.instance_dir / "server.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as log:  # a file, not a pipe nobody reads while it fills
            self.process = subprocess.Popen([str(bin_dir / "gunicorn"), "--config", "gunicorn.conf.py"],
                                            env=self.env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not become ready in time")

    def output(self) -> str:
        """What the server printed so far, for failure messages."""
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def live_server(settings):
    server = LiveServer(settings)
    yield server
    server.stop()
