"""HTTP edge cases of the JSON API (issue 9, item 5): each one answered in the error shape.

Bodies are counted as read (chunked too), JSON depth is bounded, dates are ISO strings, 405
says what is allowed, 414/431 are JSON, text rules (controls, bidi, blank), and a write answers
with what it committed. The cases that depend on gunicorn run against a live server.
"""
from __future__ import annotations

import http.client
import json
import sys

import pytest

from service.api.requests import MAX_JSON_DEPTH
from service.core import textrules
from service.core.config import Settings
from support.app import DEMO_ID, TOKEN
from support.server import LiveServer

STORY = {"id": "edge-story", "published": "2025-09-01",
         "snippets": [{"lang": "en", "kind": "paragraph", "attribution": "Test Wire",
                       "text": "Officials met on Monday. They discussed tariffs on steel."}]}


def with_snippet(**changes) -> dict:
    return dict(STORY, snippets=[dict(STORY["snippets"][0], **changes)])


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


# --- bodies -------------------------------------------------------------------------------

def test_a_body_over_the_limit_is_413_and_nothing_is_stored(client, auth, settings):
    big = with_snippet(text="word " * (settings.max_body_bytes // 5 + 10))
    response = client.post("/api/v1/stories", json=big, headers=auth)
    assert response.status_code == 413 and error_code(response) == "body_too_large"
    assert client.get("/api/v1/stories/edge-story").status_code == 404


@pytest.fixture(scope="module")
def server(tmp_path_factory, compiled_translations):
    """One live server (gunicorn.conf.py, as `make serve`) for the cases gunicorn takes part in."""
    settings = Settings(instance_dir=tmp_path_factory.mktemp("edges") / "instance",
                        translations_dir=compiled_translations, api_tokens=(TOKEN,))
    live = LiveServer(settings)
    yield live
    live.stop()


def _raw_post(server, path: str, chunks: list[bytes], token: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Authorization", f"Bearer {token}")
        connection.putheader("Transfer-Encoding", "chunked")
        connection.endheaders()
        for chunk in chunks:
            connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        connection.send(b"0\r\n\r\n")
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_chunked_bodies_are_counted_as_read(server):
    """The reported case: valid JSON longer than the limit, then garbage, sent chunked, was cut
    at the limit and stored with a 201. Now the whole body counts: 413, nothing stored."""
    limit = server.settings.max_body_bytes
    valid = json.dumps(with_snippet(text="word " * (limit // 5))).encode()  # a little over the limit
    body = valid + b"garbage" * 2000
    pieces = [body[i:i + 16384] for i in range(0, len(body), 16384)]
    status, answer = _raw_post(server, "/api/v1/stories", pieces, TOKEN)
    assert (status, answer["error"]["code"]) == (413, "body_too_large")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", "/api/v1/stories/edge-story")
    assert connection.getresponse().status == 404
    connection.close()

    small = json.dumps(STORY).encode()  # and a chunked body under the limit is read whole
    status, answer = _raw_post(server, "/api/v1/stories", [small[:10], small[10:]], TOKEN)
    assert status == 201 and answer["id"] == "edge-story"


def test_414_and_431_come_back_in_the_json_error_shape(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", "/api/v1/stories?lang=" + "x" * 5000)
        response = connection.getresponse()
        assert response.status == 414 and response.getheader("Content-Type") == "application/json"
        assert json.loads(response.read())["error"]["code"] == "uri_too_long"
    finally:
        connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", "/api/v1/languages", headers={"X-Big": "y" * 9000})
        response = connection.getresponse()
        assert response.status == 431 and response.getheader("Content-Type") == "application/json"
        assert json.loads(response.read())["error"]["code"] == "headers_too_large"
    finally:
        connection.close()


def test_every_operation_documents_the_414_a_long_query_gets(client):
    """A search query over its length, in 4-byte characters, makes the request line too long
    before the query rule is reached: that 414 is in the OpenAPI document, for every operation."""
    from service.api.openapi import openapi_document

    response = client.get("/api/v1/search?q=" + "%F0%A0%80%80" * 400)
    assert response.status_code == 414 and response.get_json()["error"]["code"] == "uri_too_long"
    undocumented = [(path, method) for path, item in openapi_document()["paths"].items()
                    for method, operation in item.items() if "414" not in operation["responses"]]
    assert undocumented == []


# --- JSON ---------------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 1000, 100_000])
def test_deep_json_is_a_400_not_a_crash(client, auth, depth):
    body = "[" * depth + "]" * depth
    response = client.post("/api/v1/stories", data=body, content_type="application/json", headers=auth)
    assert response.status_code == 400 and error_code(response) == "json_too_deep"


def test_a_story_body_is_well_within_the_depth_limit(client, auth):
    assert client.post("/api/v1/stories", json=with_snippet(date="2025-09-01"), headers=auth).status_code == 201


@pytest.mark.parametrize("story", [
    dict(STORY, published=1756684800),
    dict(STORY, published="1756684800"),
    dict(STORY, published="2025-09-01T00:00:00"),
    with_snippet(date=1756684800),
    with_snippet(date=20250901.0),
], ids=["epoch", "epoch-string", "datetime", "snippet-epoch", "snippet-float"])
def test_dates_must_be_iso_strings(client, auth, story):
    response = client.post("/api/v1/stories", json=story, headers=auth)
    assert response.status_code == 422 and "ISO" in response.get_json()["error"]["message"]


# --- methods ------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path, allowed", [
    ("patch", f"/api/v1/stories/{DEMO_ID}", {"GET", "PUT", "DELETE"}),
    ("delete", "/api/v1/stories", {"GET", "POST"}),
    ("post", "/api/v1/languages", {"GET"}),
])
def test_405_says_what_is_allowed(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert response.status_code == 405 and error_code(response) == "method_not_allowed"
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


# --- text rules ---------------------------------------------------------------------------

REFUSED_TEXTS = {
    "zero-width-only": "\u200b\u200b", "bom-only": "\ufeff", "mixed-invisible": " \u200b\u3000\u2060\u00ad ",
    "nfkc-blank": "\u2003\u205f",
    "c0": "hello\x1bworld", "nul": "a\x00", "del": "a\x7f", "c1-nel": "a\x85b", "c1-csi": "a\x9b31m",
    "rlo": "abc\u202edef", "lre": "\u202aabc", "rli": "abc\u2067def", "pdi": "abc\u2069",
}


@pytest.mark.parametrize("text", REFUSED_TEXTS.values(), ids=REFUSED_TEXTS.keys())
@pytest.mark.parametrize("where", ["text", "attribution", "title"])
def test_text_that_cannot_be_shown_is_refused(client, auth, text, where):
    story = dict(STORY, title=text) if where == "title" else with_snippet(**{where: text})
    response = client.post("/api/v1/stories", json=story, headers=auth)
    assert response.status_code == 422 and error_code(response) == "invalid_story", response.get_json()
    assert client.get("/api/v1/stories/edge-story").status_code == 404


@pytest.mark.parametrize("text", ["tab\tand\nnewline", "ja 両首脳は会談した。", "a\u200bb", "\u200e left mark ok"])
def test_ordinary_text_is_accepted(client, auth, text):
    assert client.post("/api/v1/stories", json=with_snippet(text=text), headers=auth).status_code == 201


def test_the_blank_class_matches_its_definition():
    """textrules.BLANK is written out for this Unicode version; recompute it from NFKC and Cf."""
    import re

    written = re.compile(f"[{textrules.BLANK}]")
    differs = [hex(cp) for cp in range(sys.maxunicode + 1)
               if not 0xD800 <= cp <= 0xDFFF and bool(written.match(chr(cp))) != textrules.is_blank(chr(cp))]
    assert differs == []


def test_the_schema_pattern_is_the_same_rule(client):
    import re

    schema = client.get("/api/v1/openapi.json").get_json()
    pattern = re.compile(schema["components"]["schemas"]["SnippetIn"]["properties"]["text"]["pattern"])
    for text in [*REFUSED_TEXTS.values(), "ok", "tab\tok", "a\u200bb"]:
        assert bool(pattern.search(text)) == (textrules.problem(text) is None), repr(text)


def test_pages_isolate_each_field(app, client):
    """A stray override in a field (a catalog can still carry one) ends with the field."""
    page = client.get(f"/en/stories/{DEMO_ID}").get_data(as_text=True)
    assert page.count("<bdi>") >= 3 and page.count("<bdi>") == page.count("</bdi>")


# --- a write answers with what it committed ---------------------------------------------

def test_a_write_answers_with_what_it_committed_even_if_deleted_right_after(app, client, auth, monkeypatch):
    stories = app.extensions["kakehashi"].stories
    racing_delete = lambda story_ids: [stories.delete(s) for s in story_ids]  # noqa: E731 - a DELETE between commit and answer
    monkeypatch.setattr(stories, "enqueue", racing_delete)
    created = client.post("/api/v1/stories", json=STORY, headers=auth)
    assert created.status_code == 201
    assert created.get_json()["sources"][0]["text"] == STORY["snippets"][0]["text"]
    assert client.get("/api/v1/stories/edge-story").status_code == 404

    monkeypatch.undo()
    assert client.post("/api/v1/stories", json=STORY, headers=auth).status_code == 201
    monkeypatch.setattr(stories, "enqueue", racing_delete)
    replaced = client.put("/api/v1/stories/edge-story", json=dict(STORY, title="Edited"), headers=auth)
    assert replaced.status_code == 200 and replaced.get_json()["title"]["text"] == "Edited"


def test_the_answer_to_a_write_is_what_a_read_returns(client, auth):
    created = client.post("/api/v1/stories", json=with_snippet(date="2025-09-01", url="https://example.org/a"),
                          headers=auth).get_json()
    assert created == client.get("/api/v1/stories/edge-story?lang=en").get_json()
