"""The real ``libretranslatepy`` client, unchanged, against the service as ``make serve`` runs it:
gunicorn for the web tier and a ``kakehashi worker`` process for the models, tiny real Argos
packages, no network. The web processes only wait for the worker's answer."""
from __future__ import annotations

import json
import urllib.error

import pytest
from libretranslatepy import LibreTranslateAPI

from support.server import LiveServer

KEY = "mt-key-0123456789"


@pytest.fixture
def served(app, settings, install_models, start_worker):
    install_models(app)
    env = {"KAKEHASHI_MT_API_KEYS": KEY, "KAKEHASHI_MT_REQUEST_TIMEOUT": "20"}
    server = LiveServer(settings, env=env)
    worker = start_worker(settings, env=env)
    yield server, worker
    server.stop()


def _error(excinfo) -> tuple[int, dict]:
    return excinfo.value.code, json.loads(excinfo.value.read().decode())


@pytest.mark.timeout(240)
def test_libretranslatepy_works_unchanged_and_repeats_come_from_memory(served):
    server, worker = served
    client = LibreTranslateAPI(server.url, api_key=KEY)
    languages = client.languages()
    assert {item["code"]: item["targets"] for item in languages} == {"en": ["ja", "ko"], "ja": ["en", "ko"],
                                                                     "ko": []}
    assert all(item["name"] for item in languages)
    text = "The leaders met in Tokyo on 23 August. See https://example.org/summit for more."
    korean = client.translate(text, "en", "ko")
    assert isinstance(korean, str) and korean, worker.output()
    assert "https://example.org/summit" in korean and "23" in korean, "protected spans survive"
    assert client.translate("両首脳は東京で会談した。", "auto", "en")
    assert client.detect("両首脳は東京で会談した。") == [{"confidence": 100.0, "language": "ja"}]
    worker.stop()
    assert client.translate(text, "en", "ko") == korean, "with no worker left, only the memory can answer"
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        client.translate("A sentence no one has translated yet.", "en", "ko")
    code, body = _error(excinfo)
    assert code == 500 and "kakehashi worker" in body["error"], "a miss with no worker: a clear error, in time"


@pytest.mark.timeout(240)
def test_libretranslatepy_sees_the_errors(served):
    server, _worker = served
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        LibreTranslateAPI(server.url, api_key="wrong").translate("Hi.", "en", "ko")
    assert _error(excinfo) == (403, {"error": "Invalid API key"})
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        LibreTranslateAPI(server.url).translate("Hi.", "en", "ko")
    assert _error(excinfo) == (400, {"error": "Please contact the server operator to get an API key"})
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        LibreTranslateAPI(server.url, api_key=KEY).translate("Hi.", "en", "fr")
    assert _error(excinfo) == (400, {"error": "fr is not supported"})
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        LibreTranslateAPI(server.url, api_key=KEY).detect("")
    assert _error(excinfo) == (400, {"error": "Invalid request: missing q parameter"})
