"""Real LibreTranslate clients nobody here wrote, against the service as ``make serve`` runs it:
gunicorn (two web processes) and a ``kakehashi worker``, tiny real Argos packages, no network.

- deep-translator, which sends the text in the query string;
- transpolibre, which fills a ``.po`` file through the service; the import then has to know
  the text for machine output (``reviewed_from``);
- Weblate's machinery, replayed request for request (``support.weblate``): its settings check
  (en→de), placeholders, a batch of 20, the rate limit across processes, its 20-second timeout.

libretranslatepy has its own module, ``test_libretranslate_client.py``.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import polib
import pytest
from deep_translator import LibreTranslator

from support.app import DEMO_ID
from support.catalog_fixtures import story_file
from support.queue_fixtures import wait_for
from support.server import LiveServer
from support.weblate import RATE_LIMIT_SECONDS, LibreTranslateMachinery, MachineryError

KEY = "mt-key-0123456789"
LIMITED_KEY = "mt-key-limited-42"
BIN = Path(sys.executable).parent
JAPANESE = "両首脳は東京で会談し、安全保障と経済の協力を強化することで一致した。"      # 34 characters


def kakehashi(server: LiveServer, *args: str) -> str:
    result = subprocess.run([str(BIN / "kakehashi"), *args], env=server.env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def post(url: str, data: bytes = b"", headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def served(app, settings, install_models, start_worker):
    install_models(app)
    env = {"KAKEHASHI_MT_API_KEYS": KEY, "KAKEHASHI_MT_RATE_LIMIT": "1000 per minute",
           "KAKEHASHI_MT_KEY_RATE_LIMITS": json.dumps({LIMITED_KEY: "30 per minute"}), "WEB_CONCURRENCY": "2"}
    server = LiveServer(settings, env=env)
    worker = start_worker(settings, env=env)
    yield server, worker
    server.stop()


@pytest.mark.timeout(300)
def test_deep_translator_sends_long_japanese_text_in_the_query_string(served, settings):
    server, worker = served
    translator = LibreTranslator(api_key=KEY, source="ja", target="en", custom_url=server.url + "/")
    five_hundred = (JAPANESE * 15)[:499] + "。"
    assert len(five_hundred) == 500 and len(five_hundred.encode()) * 3 > 4094, "over gunicorn's old request line"
    english = translator.translate(five_hundred)
    assert isinstance(english, str) and english, worker.output()

    at_the_limit = (JAPANESE * 80)[:settings.mt_char_limit - 1] + "。"      # 2,500 characters: ~22.5 KB of URL
    assert LibreTranslator(api_key=KEY, source="ja", target="ko", custom_url=server.url + "/").translate(at_the_limit)

    status, body = post(f"{server.url}/translate?" + urllib.parse.urlencode(
        {"q": at_the_limit + "。", "source": "ja", "target": "en", "api_key": KEY}))
    assert (status, body) == (400, {"error": "Invalid request: request (2501) exceeds text limit (2500)"})
    status, body = post(f"{server.url}/translate?q=" + "%E6%9D%B1" * 3000 + f"&source=ja&target=en&api_key={KEY}")
    assert status == 414 and isinstance(body["error"], str), "LibreTranslate's shape, not the API's"
    status, body = get_json(f"{server.url}/api/v1/stories?lang=" + "x" * 5000)
    assert status == 414 and body["error"]["code"] == "uri_too_long", "the API keeps its own shape and limit"

    assert get_json(f"{server.url}/health") == (200, {"status": "ok"})
    assert post(f"{server.url}/suggest", b"q=a&s=b&source=en&target=ko") == (
        403, {"error": "Suggestions are disabled on this server."})
    assert post(f"{server.url}/translate_file") == (403, {"error": "Files translation are disabled on this server."})
    assert get_json(f"{server.url}/translate") == (405, {"error": "The method is not allowed for the requested URL."})


@pytest.mark.timeout(300)
def test_transpolibre_fills_a_catalog_and_the_import_knows_it_for_machine_text(served, settings):
    server, worker = served
    kakehashi(server, "catalog", "export", "--lang", "ko")
    path = story_file(settings.translations_dir, "ko", DEMO_ID)
    empty = [entry.msgid for entry in polib.pofile(str(path)) if not entry.obsolete and not entry.msgstr]
    assert empty
    result = subprocess.run([str(BIN / "transpolibre"), "-f", str(path), "-s", "auto", "-t", "ko", "-u", server.url,
                             "-a", KEY], capture_output=True, text=True, timeout=240, cwd=settings.instance_dir)
    assert result.returncode == 0, result.stdout + result.stderr + server.output()
    filled = {entry.msgid: entry.msgstr for entry in polib.pofile(str(path)) if entry.msgid in empty}
    assert all(filled.values()), "transpolibre wrote every entry"
    post_text = next(msgid for msgid in filled if "pic.twitter.com/DVFAgKVJgA" in msgid)
    assert "pic.twitter.com/DVFAgKVJgA" in filled[post_text], "our engine keeps the link the catalog check demands"

    kakehashi(server, "catalog", "import", "--lang", "ko")
    status, story = get_json(f"{server.url}/api/v1/stories/{DEMO_ID}?lang=ko")
    fields = [story["title"], *story["points"], *story["quotes"], *story["headings"]]
    from_catalog = [field for field in fields if field["source_text"] in filled]
    assert from_catalog and all(field["provenance"] == "human" and field["reviewed_from"].startswith("argos:")
                                for field in from_catalog), from_catalog
    status, answer = post(f"{server.url}/translate", json.dumps(
        {"q": post_text, "source": "ja", "target": "ko", "api_key": KEY}).encode(), {"Content-Type": "application/json"})
    assert answer["provenance"] == "machine", "/translate never calls our own engine's text human"

    def demo_post(lang: str) -> str | None:
        _status, document = get_json(f"{server.url}/api/v1/stories/{DEMO_ID}?lang={lang}")
        quote = next(q for q in document["quotes"] if "pic.twitter.com" in q["source_text"])
        return quote["text"] if quote["provenance"] != "source" else None

    english = wait_for(lambda: demo_post("en"), timeout=120, what="the worker's English post")
    assert "pic.twitter.com/DVFAgKVJgA" in english, "the demo post keeps its link in English"
    assert "pic.twitter.com/DVFAgKVJgA" in demo_post("ko")


@pytest.mark.timeout(300)
def test_weblate_machinery_replayed(served, settings, en_de_package):
    server, worker = served
    weblate = LibreTranslateMachinery(server.url, KEY)
    # The settings check without an en→de package: an honest 400 naming the language.
    with pytest.raises(MachineryError, match="400: de is not supported"):
        weblate.validate_settings()
    # Weblate offers every pair of the listed codes; one we cannot do is a 400 that names it.
    with pytest.raises(MachineryError, match=r"400: English \(en\) is not available as a target language from Korean"):
        weblate.download_multiple_translations("ko", "en", ["안녕하세요."])
    assert not weblate.is_rate_limited(), "a 400 does not make Weblate back off"
    # The honest way through: install an en→de package; the check then translates "test".
    kakehashi(server, "models", "install", str(en_de_package))
    wait_for(lambda: "de" in weblate.download_languages(), timeout=30, what="de listed")
    weblate.validate_settings()

    # Placeholders: Weblate's [X12X] for %s and %(name)s, and the common ones sent as they are.
    texts = ["You have %s new messages from %(name)s.", "Hello {name}, see {{ user.name }} in <b>bold</b> now.",
             "See pic.twitter.com/DVFAgKVJgA for the photo.", "Read example.org/a/b today."]
    korean = weblate.translate("en", "ko", texts)
    for token in ("%s", "%(name)s"):
        assert token in korean[0], korean[0]
    for token in ("{name}", "{{ user.name }}", "<b>", "</b>"):
        assert token in korean[1], korean[1]
    assert "pic.twitter.com/DVFAgKVJgA" in korean[2] and "example.org/a/b" in korean[3]

    # A batch of 20 (Weblate's batch size), in one request.
    batch = [f"Message {i} of 20: %s is waiting for {{name}}." for i in range(20)]
    german = weblate.translate("en", "de", batch)
    assert len(german) == 20 and all("%s" in text and "{name}" in text for text in german)

    # The rate limit counts across both web processes: a key limited to 30 texts a minute gets
    # 30, on fresh connections spread over the processes, then a 429 and Weblate backs off.
    limited = LibreTranslateMachinery(server.url, LIMITED_KEY)
    accepted = 0
    for i in range(40):
        try:
            limited.download_multiple_translations("en", "ko", [f"Short text {i}."])
            accepted += 1
        except MachineryError as error:
            assert str(error).startswith("429: Slowdown: ")
    assert accepted == 30
    assert limited.is_rate_limited() and limited.rate_limited_until - time.time() > RATE_LIMIT_SECONDS - 60

    # With no worker, a text never seen answers a clear 500 before Weblate's 20 s are up.
    worker.stop()
    started = time.monotonic()
    with pytest.raises(MachineryError, match="500: .*kakehashi worker"):
        weblate.download_multiple_translations("en", "ko", ["A sentence no worker will ever see."])
    assert time.monotonic() - started < 20
