"""Offline is a hard rule: processes the tests start cannot reach the network, and serving
(pages, API, translation) never imports argostranslate, torch, stanza or spaCy."""
import json
import subprocess
import sys
import textwrap
import time
import urllib.request

from support.app import DEMO_ID, TOKEN
from support.server import server_env


def test_started_processes_cannot_reach_the_network(settings):
    script = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=5)"
    result = subprocess.run([sys.executable, "-c", script], env=server_env(settings, 8000), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert "network access to ('192.0.2.1', 80) is blocked" in result.stderr


def test_serving_with_models_imports_no_heavy_module(app, install_models, runner, settings):
    install_models(app)
    assert runner.invoke(args=["translate"]).exit_code == 0
    script = textwrap.dedent(f"""
        import sys
        from service import create_app
        client = create_app().test_client()
        for path in ("/ko/", "/ko/stories/{DEMO_ID}", "/api/v1/stories/{DEMO_ID}?lang=ja",
                     "/api/v1/languages", "/healthz", "/ja/translate", "/api/v1/coverage"):
            assert client.get(path).status_code == 200, path
        body = client.get("/api/v1/stories/{DEMO_ID}?lang=ko").get_json()
        print(body["title"]["provenance"], body["title"]["engine"])
        print(sorted(m for m in ("argostranslate", "torch", "stanza", "spacy", "ctranslate2.specs") if m in sys.modules))
    """)
    result = subprocess.run([sys.executable, "-c", script], env=server_env(settings, 8000), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["machine argos:en-ko:1.1", "[]"]


def test_a_web_process_that_takes_writes_never_imports_ctranslate2_or_sentencepiece(app, install_models, settings):
    """Models installed, writes enqueue jobs, every page and API answer served: the web process
    has still not imported the translation runtime (it is the worker's)."""
    install_models(app)
    script = textwrap.dedent(f"""
        import json, sys
        from service import create_app
        client = create_app().test_client()
        auth = {{"Authorization": "Bearer {TOKEN}"}}
        story = {{"id": "web-only", "published": "2025-10-02", "snippets": [{{"lang": "en", "kind": "paragraph",
                 "attribution": "Wire", "text": "The ministers met on Tuesday."}}]}}
        assert client.post("/api/v1/stories", json=story, headers=auth).status_code == 201
        assert client.put("/api/v1/stories/web-only", json=story, headers=auth).status_code == 200
        for path in ("/ko/", "/ko/stories/{DEMO_ID}", "/api/v1/stories/web-only?lang=ja", "/api/v1/languages",
                     "/healthz", "/api/v1/healthz", "/ja/translate", "/api/v1/coverage"):
            assert client.get(path).status_code == 200, path
        print(client.get("/healthz").get_json()["queue"]["depth"])
        print(sorted(m for m in ("ctranslate2", "sentencepiece", "argostranslate", "torch") if m in sys.modules))
    """)
    env = {**server_env(settings, 8000), "KAKEHASHI_MT_BACKGROUND": "true"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
    assert int(result.stdout.splitlines()[-2]) >= 2, "the writes were enqueued"


def test_live_server_and_a_worker_translate_a_posted_story(live_server, app, install_models, settings, start_worker):
    """The real server and `kakehashi worker`, network blocked: a POST is answered at once, then
    machine text appears."""
    install_models(app)
    worker = start_worker(settings)
    story = {"id": "background-story", "published": "2025-10-02", "title": "Ministers meet in Seoul",
             "snippets": [{"lang": "en", "kind": "paragraph", "attribution": "Wire",
                           "text": "The ministers met on Tuesday. They agreed to meet again in spring."}]}
    request = urllib.request.Request(f"{live_server.url}/api/v1/stories", data=json.dumps(story).encode(),
                                     method="POST", headers={"Authorization": f"Bearer {TOKEN}",
                                                             "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{live_server.url}/api/v1/stories/background-story?lang=ko") as response:
            body = json.load(response)
        if body["coverage"]["machine"] == len(body["points"]) + 1:
            break
        time.sleep(0.5)
    assert body["title"]["provenance"] == "machine", live_server.output() + worker.output()
    assert body["title"]["engine"] == "argos:en-ko:1.1"
