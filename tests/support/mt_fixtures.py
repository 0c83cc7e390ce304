"""Pytest plugin: real (tiny, random-weight) Argos packages, built once per test session.

Listed in ``conftest.pytest_plugins``. Packages are genuine ``.argosmodel`` zips made by
``support.synthetic``, so tests drive the real install, CTranslate2 and
SentencePiece path; only the weights are random (output is nonsense, always
``max_decoding_length`` long, so keep that small in test settings).
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture(scope="session")
def mt_packages(tmp_path_factory) -> SimpleNamespace:
    """en-ko, en-ja and ja-en packages (version 1.1) plus an en-ko 1.2, as .argosmodel paths."""
    from support.synthetic import build_package

    folder = tmp_path_factory.mktemp("argos-packages")
    return SimpleNamespace(
        en_ko=build_package(folder, "en", "ko", "1.1", seed=1),
        en_ja=build_package(folder, "en", "ja", "1.1", seed=2),
        ja_en=build_package(folder, "ja", "en", "1.1", seed=3),
        en_ko_v2=build_package(folder / "v2", "en", "ko", "1.2", seed=4),
        folder=folder,
    )


@pytest.fixture
def install_models(mt_packages):
    """Install packages into an app through the real CLI: ``install_models(app, "en_ko", ...)``."""

    def install(app, *names):
        runner = app.test_cli_runner()
        for name in names or ("en_ko", "en_ja", "ja_en"):
            result = runner.invoke(args=["models", "install", str(getattr(mt_packages, name))])
            assert result.exit_code == 0, result.output
        return app

    return install


def publish(store, translators) -> None:
    """What ``kakehashi models install`` does after installing: tell the store what is installed."""
    from service.store.changes import publish_engines

    translators.refresh()
    with store.transaction() as session:
        publish_engines(session, {p.pair: p.engine for p in translators.packages()})


@pytest.fixture(scope="session")
def en_de_package(tmp_path_factory):
    """An en→de package (1.0): Weblate's settings check translates "test" from English to German."""
    from support.synthetic import build_package

    return build_package(tmp_path_factory.mktemp("argos-de"), "en", "de", "1.0", seed=5)


@pytest.fixture
def store(tmp_path):
    """A bare store on a temporary SQLite file, for the translation layer without the app (a test
    module with its own ``store`` fixture overrides it)."""
    from service.store import Base, make_store

    store = make_store(f"sqlite:///{tmp_path}/db.sqlite3")
    Base.metadata.create_all(store.engine)
    yield store
    store.engine.dispose()


@pytest.fixture
def translators(tmp_path, mt_packages):
    """en→ko, en→ja and ja→en tiny packages installed, short decoding: the pivot ja→en→ko too."""
    from service.core.config import Settings
    from service.translate.packages import install_package
    from service.translate.registry import Translators

    settings = Settings(instance_dir=tmp_path / "instance", mt_max_decoding_length=8, mt_beam_size=2)
    for name in ("en_ko", "en_ja", "ja_en"):
        install_package(settings.models_dir, getattr(mt_packages, name), 50 * 1024 * 1024)
    return Translators(settings, rescan_seconds=0)
