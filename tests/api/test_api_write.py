"""Writing through the API: every error has its status and code, and nothing is half-written."""
import json

import pytest

from support.app import DEMO_ID, TOKEN

STORY = {
    "id": "tariff-talks",
    "published": "2025-09-01",
    "snippets": [
        {"lang": "en", "kind": "headline", "text": "Seoul and Tokyo discuss tariffs", "attribution": "Test Wire"},
        {"lang": "en", "kind": "paragraph", "attribution": "Test Wire",
         "text": "Officials from both countries met on Monday. They discussed tariffs on steel. "
                 "A second round is planned for October."},
        {"lang": "en", "kind": "quote", "text": "We made progress.", "attribution": "A spokesperson",
         "url": "https://example.org/a", "date": "2025-09-01"},
    ],
}


def snapshot(client):
    return json.dumps([client.get(f"/api/v1/stories/{s['id']}").get_json()
                       for s in client.get("/api/v1/stories").get_json()["stories"]], sort_keys=True)


def test_create_read_replace_delete(client, auth):
    created = client.post("/api/v1/stories", json=STORY, headers=auth)
    assert created.status_code == 201
    assert created.headers["Location"].endswith("/api/v1/stories/tariff-talks")
    body = client.get("/api/v1/stories/tariff-talks?lang=ko").get_json()
    assert body["title"]["text"] == "Seoul and Tokyo discuss tariffs"
    assert body["quotes"][0]["attribution"] == "A spokesperson" and body["quotes"][0]["from"] == 2

    changed = dict(STORY, title="Editor's title", snippets=STORY["snippets"][1:])
    assert client.put("/api/v1/stories/tariff-talks", json=changed, headers=auth).status_code == 200
    body = client.get("/api/v1/stories/tariff-talks").get_json()
    assert body["title"]["text"] == "Editor's title"
    assert len(body["sources"]) == 2 and body["quotes"][0]["from"] == 1

    assert client.delete("/api/v1/stories/tariff-talks", headers=auth).status_code == 204
    assert client.get("/api/v1/stories/tariff-talks").status_code == 404


def test_put_may_omit_the_id(client, auth):
    body = {k: v for k, v in STORY.items() if k != "id"}
    client.post("/api/v1/stories", json=STORY, headers=auth)
    assert client.put("/api/v1/stories/tariff-talks", json=body, headers=auth).status_code == 200


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": "Bearer "}])
def test_writes_need_a_configured_token(client, headers):
    before = snapshot(client)
    for method, path in (("post", "/api/v1/stories"), ("put", f"/api/v1/stories/{DEMO_ID}"),
                         ("delete", f"/api/v1/stories/{DEMO_ID}")):
        response = getattr(client, method)(path, json=STORY, headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert TOKEN not in response.get_data(as_text=True)
    assert snapshot(client) == before


def test_no_tokens_configured_refuses_every_write(settings):
    from support.app import make_app

    client = make_app(settings.with_overrides(api_tokens=())).test_client()
    response = client.post("/api/v1/stories", json=STORY, headers={"Authorization": "Bearer anything"})
    assert response.status_code == 401


def test_duplicate_id_is_409(client, auth):
    before = snapshot(client)
    response = client.post("/api/v1/stories", json=dict(STORY, id=DEMO_ID), headers=auth)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "story_exists"
    assert snapshot(client) == before


def test_unknown_story_is_404_on_put_and_delete(client, auth):
    assert client.put("/api/v1/stories/nope", json=dict(STORY, id="nope"), headers=auth).status_code == 404
    assert client.delete("/api/v1/stories/nope", headers=auth).status_code == 404


def test_malformed_json_is_400(client, auth):
    response = client.post("/api/v1/stories", data='{"id": ', headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(client, auth, content_type):
    headers = dict(auth, **({"Content-Type": content_type} if content_type else {}))
    response = client.post("/api/v1/stories", data=json.dumps(STORY), headers=headers)
    assert response.status_code == 415 and response.get_json()["error"]["code"] == "unsupported_media_type"


def with_snippet(**changes):
    return dict(STORY, snippets=[dict(STORY["snippets"][1], **changes)])


@pytest.mark.parametrize("body", [
    dict(STORY, id="Not A Slug"), dict(STORY, id=""), dict(STORY, id="x" * 81), dict(STORY, id="a/b"),
    dict(STORY, published="yesterday"), dict(STORY, snippets=[]), {k: v for k, v in STORY.items() if k != "snippets"},
    with_snippet(lang="ko"), with_snippet(kind="tweet"), with_snippet(text=""), with_snippet(text="   "),
    with_snippet(attribution=""), with_snippet(url="javascript:alert(1)"), with_snippet(date="2025-13-40"),
    with_snippet(extra="field"), dict(STORY, snippets="not a list"), [1, 2, 3], "a string", 42,
    dict(STORY, id=7), with_snippet(text="null\u0000byte"), with_snippet(attribution="bell\u0007"),
    dict(STORY, title="   "), dict(STORY, title="한국어 제목"), dict(STORY, title=""),
], ids=lambda body: json.dumps(body)[:60])
def test_schema_violations_are_422(client, auth, body):
    before = snapshot(client)
    response = client.post("/api/v1/stories", json=body, headers=auth)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "invalid_story" and error["message"]
    assert snapshot(client) == before


def test_id_in_body_must_match_url(client, auth):
    response = client.put(f"/api/v1/stories/{DEMO_ID}", json=dict(STORY, id="other"), headers=auth)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "id_mismatch"


def test_limits_are_413(settings, auth):
    from support.app import make_app

    client = make_app(settings.with_overrides(max_snippets=2, max_snippet_chars=50, max_body_bytes=4000),
                      demo=False).test_client()
    before = snapshot(client)
    too_many = client.post("/api/v1/stories", json=STORY, headers=auth)
    assert too_many.status_code == 413 and too_many.get_json()["error"]["code"] == "too_many_snippets"
    too_long = client.post("/api/v1/stories", json=with_snippet(text="word " * 20), headers=auth)
    assert too_long.status_code == 413 and too_long.get_json()["error"]["code"] == "snippet_too_long"
    too_big = client.post("/api/v1/stories", data=json.dumps(with_snippet(text="x" * 5000)),
                          headers={**auth, "Content-Type": "application/json"})
    assert too_big.status_code == 413 and too_big.get_json()["error"]["code"] == "body_too_large"
    assert snapshot(client) == before


def test_a_failing_summary_writes_nothing(client, auth, monkeypatch):
    import service.text.summarize  # what stories.py imports at a write

    def broken(*args):
        raise RuntimeError("summarizer exploded")

    monkeypatch.setattr(service.text.summarize, "summarize", broken)
    before = snapshot(client)
    response = client.put(f"/api/v1/stories/{DEMO_ID}", json=dict(STORY, id=DEMO_ID), headers=auth)
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    assert snapshot(client) == before


def test_posted_story_shows_on_all_three_pages(client, auth):
    ja_story = {"id": "ja-only", "published": "2025-09-02", "snippets": [
        {"lang": "ja", "kind": "headline", "text": "日韓首脳が会談", "attribution": "テスト通信"},
        {"lang": "ja", "kind": "paragraph", "attribution": "テスト通信",
         "text": "両首脳は東京で会談した。経済協力について話し合った。次回はソウルで開く予定だ。"}]}
    assert client.post("/api/v1/stories", json=ja_story, headers=auth).status_code == 201
    for lang in ("en", "ko", "ja"):
        page = client.get(f"/{lang}/stories/ja-only").get_data(as_text=True)
        assert "日韓首脳が会談" in page and "両首脳は東京で会談した。" in page
        assert f'<html lang="{lang}">' in page
        assert client.get(f"/{lang}/").get_data(as_text=True).count("ja-only") >= 1


def test_script_in_a_snippet_is_shown_as_text(client, auth):
    evil = dict(STORY, id="evil", snippets=[dict(STORY["snippets"][1], text="<script>alert('x')</script> Evil text here. More text.")])
    client.post("/api/v1/stories", json=evil, headers=auth)
    page = client.get("/en/stories/evil").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page


def test_concurrent_creates_of_one_id_give_one_201_and_409s(app, auth):
    """Two workers racing on the same id: one wins, the others get 409, never a 500."""
    from concurrent.futures import ThreadPoolExecutor

    def post(_):
        return app.test_client().post("/api/v1/stories", json=dict(STORY, id="race"), headers=auth).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(post, range(6)))
    assert statuses == [201, 409, 409, 409, 409, 409]


def test_put_with_if_match_replaces_only_the_version_read(client, auth):
    """Optimistic concurrency: If-Match with the ETag of the story's JSON (any reading language)."""
    path = f"/api/v1/stories/{DEMO_ID}"
    read = client.get(f"{path}?lang=en")
    tag = read.headers["ETag"]
    korean_tag = client.get(f"{path}?lang=ko").headers["ETag"]
    mine = dict(STORY, id=DEMO_ID, title="First editor's title")
    theirs = dict(STORY, id=DEMO_ID, title="Second editor's title")

    assert client.put(path, json=mine, headers={**auth, "If-Match": tag}).status_code == 200
    late = client.put(path, json=theirs, headers={**auth, "If-Match": korean_tag})
    assert late.status_code == 412
    assert late.get_json() == {"error": {"code": "story_changed", "message": late.get_json()["error"]["message"]}}
    assert "GET it again" in late.get_json()["error"]["message"]
    assert client.get(f"{path}?lang=en").get_json()["title"]["text"] == "First editor's title", "412 wrote nothing"

    current = client.get(f"{path}?lang=ko").headers["ETag"]
    assert client.put(path, json=theirs, headers={**auth, "If-Match": f'"nope", {current}'}).status_code == 200
    assert client.get(f"{path}?lang=en").get_json()["title"]["text"] == "Second editor's title"
    weak = client.get(f"{path}?lang=en").headers["ETag"]
    assert client.put(path, json=mine, headers={**auth, "If-Match": f"W/{weak}"}).status_code == 412, \
        "If-Match compares strongly"
    assert client.put(path, json=mine, headers={**auth, "If-Match": "*"}).status_code == 200
    assert client.put("/api/v1/stories/no-such-story", json=dict(mine, id="no-such-story"),
                      headers={**auth, "If-Match": "*"}).status_code == 404


def test_concurrent_puts_with_one_etag_give_one_200_and_412s(app, auth):
    """Editors racing with the same ETag: exactly one wins; the check and the write are one step."""
    from concurrent.futures import ThreadPoolExecutor

    path = f"/api/v1/stories/{DEMO_ID}"
    tag = app.test_client().get(path).headers["ETag"]

    def put(n):
        body = dict(STORY, id=DEMO_ID, title=f"Editor {n}")
        return app.test_client().put(path, json=body, headers={**auth, "If-Match": tag}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(put, range(6)))
    assert statuses == [200, 412, 412, 412, 412, 412]


def test_a_story_deleted_and_created_again_is_never_served_from_the_old_cache(client, auth):
    """Its versions start past the site's generation, so the first incarnation's cached
    documents (same id, same first version before) never match the new one."""
    assert client.post("/api/v1/stories", json=STORY, headers=auth).status_code == 201
    paths = ["/api/v1/stories/tariff-talks?lang=ko", "/ko/stories/tariff-talks"]
    before = [client.get(path).get_data(as_text=True) for path in paths]
    assert all("Seoul and Tokyo discuss tariffs" in body for body in before)
    assert client.delete("/api/v1/stories/tariff-talks", headers=auth).status_code == 204
    again = dict(STORY, snippets=[dict(STORY["snippets"][0], text="A different headline")] + STORY["snippets"][1:])
    assert client.post("/api/v1/stories", json=again, headers=auth).status_code == 201
    for path in paths:
        body = client.get(path).get_data(as_text=True)
        assert "A different headline" in body and "Seoul and Tokyo discuss tariffs" not in body

def test_a_422_lists_each_problem_in_plain_words(client, auth):
    body = dict(STORY, published="yesterday", snippets=[dict(STORY["snippets"][0], kind="tweet", extra=1)])
    error = client.post("/api/v1/stories", json=body, headers=auth).get_json()["error"]
    found = {(d["field"], d["code"]) for d in error["details"]}
    assert found == {("published", "invalid_date"), ("snippets.0.kind", "not_allowed"),
                     ("snippets.0.extra", "unknown_field")}
    kind = next(d for d in error["details"] if d["field"] == "snippets.0.kind")
    assert kind["message"] == "must be one of headline, paragraph, quote, post, heading"
    assert "Input should" not in json.dumps(error) and "Value error" not in json.dumps(error)


@pytest.mark.parametrize("lang,text", [
    ("en", "日韓首脳が会談した。両首脳は経済協力について話し合った。"),
    ("ja", "The leaders met in Tokyo on Saturday."),
])
def test_a_snippet_plainly_in_the_other_language_is_422(client, auth, lang, text):
    before = snapshot(client)
    response = client.post("/api/v1/stories", json=with_snippet(lang=lang, text=text), headers=auth)
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0] | {"message": ""} == {
        "field": "snippets.0.text", "code": "wrong_language", "message": ""}
    assert snapshot(client) == before


def test_names_quoted_in_japanese_script_are_english_still(client, auth):
    text = "Prime Minister Shigeru Ishiba (石破茂) met President Lee Jae-myung (李在明) in Tokyo."
    assert client.post("/api/v1/stories", json=with_snippet(text=text), headers=auth).status_code == 201


def test_delete_answers_204_without_a_body_type(client, auth):
    response = client.delete(f"/api/v1/stories/{DEMO_ID}", headers=auth)
    assert response.status_code == 204 and "Content-Type" not in response.headers and response.data == b""


def publish(app, engines):
    """The engines a worker would publish after installing these packages (web processes read them)."""
    from service.store.changes import publish_engines

    with app.extensions["kakehashi"].store.transaction() as session:
        publish_engines(session, engines)


WITH_JAPANESE = dict(STORY, snippets=[*STORY["snippets"], {
    "lang": "ja", "kind": "post", "text": "会談は有意義だった。", "attribution": "@official"}])


def test_a_write_answer_and_the_get_after_it_agree_on_every_field_pending_included(app, client, auth):
    """The POST and PUT answers are built by the reading use case a GET uses: with a ja-en engine
    installed and its job not run yet, the Japanese quote is ``pending`` in both."""
    publish(app, {("ja", "en"): "tiny-ja-en", ("en", "ko"): "tiny-en-ko"})
    created = client.post("/api/v1/stories", json=WITH_JAPANESE, headers=auth)
    assert created.status_code == 201
    assert [q["pending"] for q in created.get_json()["quotes"] if q["source_lang"] == "ja"] == [True]
    assert created.get_json() == client.get("/api/v1/stories/tariff-talks").get_json()

    replaced = client.put("/api/v1/stories/tariff-talks", json=dict(WITH_JAPANESE, title="Talks"), headers=auth)
    assert replaced.status_code == 200 and replaced.get_json()["title"]["text"] == "Talks"
    assert replaced.get_json() == client.get("/api/v1/stories/tariff-talks").get_json()

    publish(app, {})
    unpending = client.put("/api/v1/stories/tariff-talks", json=WITH_JAPANESE, headers=auth).get_json()
    assert not any(item["pending"] for item in [unpending["title"], *unpending["points"], *unpending["quotes"]])
    assert unpending == client.get("/api/v1/stories/tariff-talks").get_json()
