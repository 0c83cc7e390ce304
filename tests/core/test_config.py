"""Settings from KAKEHASHI_* variables, with the defaults PRODUCT.md promises."""
from pathlib import Path

import pytest

from service.core.config import PROJECT_ROOT, ConfigError, settings_from_env


def test_defaults():
    settings = settings_from_env({})
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'instance' / 'kakehashi.sqlite3'}"
    assert settings.models_dir == PROJECT_ROOT / "instance" / "models"
    assert settings.translations_dir == PROJECT_ROOT / "translations"
    assert settings.api_tokens == ()


def test_variables_override(tmp_path):
    settings = settings_from_env({
        "KAKEHASHI_PORT": "9000", "KAKEHASHI_API_TOKENS": " a, b ,,", "KAKEHASHI_MODELS_DIR": str(tmp_path),
        "KAKEHASHI_DATABASE_URL": "postgresql+psycopg://u@localhost/k", "KAKEHASHI_MT_BACKGROUND": "off"})
    assert settings.port == 9000 and settings.api_tokens == ("a", "b")
    assert settings.models_dir == Path(tmp_path) and settings.mt_background is False
    assert settings.database_url.startswith("postgresql+psycopg://")


@pytest.mark.parametrize("name,value", [("KAKEHASHI_PORT", "http"), ("KAKEHASHI_PORT", "0"),
                                        ("KAKEHASHI_MAX_BODY_BYTES", "-1"), ("KAKEHASHI_CATALOG_POLL_SECONDS", "x")])
def test_bad_values_fail_at_start(name, value):
    with pytest.raises(ConfigError, match=name.removeprefix("KAKEHASHI_").lower() + "|" + name):
        settings_from_env({name: value})


def test_unknown_setting_is_warned_about(caplog):
    settings = settings_from_env({"KAKEHASHI_API_TOKEN": "singular", "KAKEHASHI_PORT": "8001"})
    assert settings.api_tokens == () and settings.port == 8001
    assert "ignoring unknown setting KAKEHASHI_API_TOKEN" in caplog.text


def test_public_url_must_be_an_http_url():
    with pytest.raises(ConfigError, match="public_url"):
        settings_from_env({"KAKEHASHI_PUBLIC_URL": "news.example.org"})
