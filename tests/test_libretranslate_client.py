"""The real ``libretranslatepy`` client, unchanged, against a live server speaking our face.

The server is a threaded WSGI server over the app (in this test process); its backend is the
memory-first one, and its engine call runs the tiny real Argos packages in a separate process
(``lt_worker``), so the serving process loads no model — as with the worker tier.
"""
from __future__ import annotations

import json
import threading
import urllib.error

import pytest
from libretranslatepy import LibreTranslateAPI
from werkzeug.serving import make_server

from conftest import make_app
from lt_worker import ProcessEngineCall
from service.libretranslate import memory_first_backend, register_libretranslate

KEY = "mt-key-0123456789"


@pytest.fixture
def server(settings, install_models):
    settings = settings.with_overrides(mt_api_keys=(KEY,))
    app = make_app(settings, demo=False)
    install_models(app)
    services = app.extensions["kakehashi"]
    call = ProcessEngineCall(settings)
    register_libretranslate(app, memory_first_backend(services, call))
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", call, services
    httpd.shutdown()
    thread.join(timeout=10)
    call.close()
    services.store.dispose()


def _error(excinfo) -> tuple[int, dict]:
    return excinfo.value.code, json.loads(excinfo.value.read().decode())


def test_libretranslatepy_works_unchanged(server):
    url, call, services = server
    client = LibreTranslateAPI(url, api_key=KEY)
    languages = client.languages()
    assert {item["code"]: item["targets"] for item in languages} == {"en": ["ja", "ko"], "ja": ["en", "ko"],
                                                                     "ko": []}
    assert all(item["name"] for item in languages)
    text = "The leaders met in Tokyo on 23 August. See https://example.org/summit for more."
    korean = client.translate(text, "en", "ko")
    assert isinstance(korean, str) and korean and "https://example.org/summit" in korean and "23" in korean
    assert client.translate("両首脳は東京で会談した。", "auto", "en")
    assert client.detect("両首脳は東京で会談した。") == [{"confidence": 100.0, "language": "ja"}]
    sent = call.sentences
    assert client.translate(text, "en", "ko") == korean          # from the sentence memory
    assert call.sentences == sent
    # the serving process never loaded a model: the child process did the translating
    assert not any(engine.loaded for route in services.translators.routes().values() for engine in route)


def test_libretranslatepy_sees_the_errors(server):
    url, _call, _services = server
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        LibreTranslateAPI(url, api_key="wrong").translate("Hi.", "en", "ko")
    assert _error(excinfo) == (403, {"error": "Invalid API key"})
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        LibreTranslateAPI(url).translate("Hi.", "en", "ko")
    assert _error(excinfo) == (400, {"error": "Please contact the server operator to get an API key"})
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        LibreTranslateAPI(url, api_key=KEY).translate("Hi.", "en", "fr")
    assert _error(excinfo) == (400, {"error": "fr is not supported"})
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        LibreTranslateAPI(url, api_key=KEY).detect("")
    assert _error(excinfo) == (400, {"error": "Invalid request: missing q parameter"})
