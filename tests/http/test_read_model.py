"""The read model through the Flask client: validators, 304s, a bounded cache, keyset pages and
the Atom feed, and exact invalidation by every kind of change (in one process; the live tests
cover several)."""
from __future__ import annotations

import datetime as dt

import feedparser
import pytest

from service.usecases.documents import DocumentCache, Validity
from support.app import DEMO_ID, store_machine_texts

READER_PATHS = [f"/api/v1/stories/{DEMO_ID}?lang=ko", f"/ko/stories/{DEMO_ID}", "/ko/", "/api/v1/stories?lang=ko",
                "/ko/feed.atom", "/api/v1/languages", "/api/v1/coverage", "/ko/translate"]


def story(story_id: str, published: str, title: str = "A title") -> dict:
    return {"id": story_id, "published": published, "title": title, "snippets": [
        {"lang": "en", "kind": "paragraph", "attribution": "Wire",
         "text": f"{title} happened on Tuesday. Officials confirmed it later. Nobody was hurt."}]}


@pytest.mark.parametrize("path", READER_PATHS)
def test_every_reader_response_has_validators_and_answers_304(client, path):
    first = client.get(path)
    assert first.status_code == 200
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"') and not etag.startswith('W/'), "a strong ETag"
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert "Vary" not in first.headers
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert again.headers["Cache-Control"] == "public, no-cache" and "Content-Type" not in again.headers, \
        "a 304 carries the validators a 200 would (RFC 9110 15.4.5), and no body's type"
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304
    older = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert client.get(path, headers={"If-Modified-Since": older}).status_code == 200
    assert client.get(path, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200, \
        "If-None-Match decides when both are sent"


def test_if_none_match_compares_weakly_and_takes_lists_and_a_star(client):
    """RFC 9110 13.1.2: If-None-Match uses the weak comparison, so a client behind a compressing
    proxy (which turns the ETag into W/"...") still revalidates; a list or * matches too."""
    path = f"/api/v1/stories/{DEMO_ID}?lang=ko"
    etag = client.get(path).headers["ETag"]
    for sent in (f"W/{etag}", f'"other", {etag}', f' W/"x" ,W/{etag} ', "*"):
        assert client.get(path, headers={"If-None-Match": sent}).status_code == 304, sent
    truncated = etag[:-2] + '"'
    for sent in ('"other"', truncated, "W/" + truncated):
        assert client.get(path, headers={"If-None-Match": sent}).status_code == 200, sent
    assert client.head(path, headers={"If-None-Match": f"W/{etag}"}).status_code == 304


def test_only_the_root_redirect_varies(client):
    assert set(client.get("/").headers["Vary"].replace(" ", "").split(",")) == {"Accept-Language", "Cookie"}


def test_etag_changes_if_and_only_if_the_content_changes(app, client, auth):
    path = f"/api/v1/stories/{DEMO_ID}?lang=ko"
    first = client.get(path)
    assert client.post("/api/v1/stories", json=story("other-story", "2020-01-01"), headers=auth).status_code == 201
    unrelated = client.get(path)
    assert unrelated.headers["ETag"] == first.headers["ETag"], "another story's write leaves this one alone"
    body = client.get(f"/api/v1/stories/{DEMO_ID}?lang=en").get_json()
    same = {"id": DEMO_ID, "published": body["published"], "title": body["title"]["text"],
            "snippets": [{k: v for k, v in s.items() if v is not None} for s in body["sources"]]}
    assert client.put(f"/api/v1/stories/{DEMO_ID}", json=same, headers=auth).status_code == 200
    rewritten = client.get(path)
    assert rewritten.get_data() == first.get_data() and rewritten.headers["ETag"] == first.headers["ETag"], \
        "a write that changes nothing a reader sees keeps the ETag"
    store_machine_texts(app, "ko", "argos:en-ko:1.1", lambda text: f"[ko] {text}")
    translated = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert translated.status_code == 200 and translated.get_json()["title"]["provenance"] == "machine"
    assert translated.headers["ETag"] != first.headers["ETag"]


def test_every_kind_of_change_is_seen_at_once(app, client, auth, runner, install_models):
    paths = [f"/api/v1/stories/{DEMO_ID}?lang=ko", f"/ko/stories/{DEMO_ID}", "/ko/", "/api/v1/stories?lang=ko",
             "/ko/feed.atom"]
    seen = {path: client.get(path).get_data() for path in paths}

    def changed() -> set[str]:
        now = {path: client.get(path).get_data() for path in paths}
        different = {path for path in paths if now[path] != seen[path]}
        seen.update(now)
        return different

    updated = story(DEMO_ID, "2025-08-23", "An edited title")
    assert client.put(f"/api/v1/stories/{DEMO_ID}", json=updated, headers=auth).status_code == 200
    assert changed() == set(paths)
    install_models(app, "en_ko")
    assert runner.invoke(args=["translate"]).exit_code == 0, "a machine fill"
    assert changed() == set(paths)
    assert client.get(paths[0]).get_json()["title"]["provenance"] == "machine"
    install_models(app, "en_ko_v2")
    assert changed() == set(paths), "a new model version: the old machine text is no longer current"
    assert runner.invoke(args=["models", "remove", "en-ko"]).exit_code == 0
    assert changed() == set(paths), "model removed: the newest stored translation is served again"
    assert client.delete(f"/api/v1/stories/{DEMO_ID}", headers=auth).status_code == 204
    assert client.get(paths[0]).status_code == 404 and client.get(paths[1]).status_code == 404
    assert DEMO_ID not in client.get("/ko/").get_data(as_text=True)


def test_cache_never_exceeds_its_bound():
    cache = DocumentCache(max_bytes=20_000)
    validity = Validity(1, dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
    for n in range(200):
        cache.get_or_build(("doc", n), validity, lambda n=n: (b"x" * (1000 + n), "text/html"))
        assert cache.size <= cache.max_bytes
    assert 0 < len(cache) < 20
    assert cache.get(("doc", 199), 1) is not None and cache.get(("doc", 0), 1) is None, "least recently used goes"
    cache.get_or_build(("huge",), validity, lambda: (b"x" * 50_000, "text/html"))
    assert cache.get(("huge",), 1) is None and cache.size <= cache.max_bytes, "too big to keep, still served"


def test_a_document_is_built_once_per_version(app, client):
    documents = app.extensions["kakehashi"].documents
    path = f"/ko/stories/{DEMO_ID}"
    client.get(path)
    misses = documents.misses
    for _ in range(5):
        client.get(path)
    assert documents.misses == misses


def test_pages_are_keyset_paginated_and_stable_while_stories_are_added(settings, auth):
    from support.app import make_app

    client = make_app(settings.with_overrides(page_size=3)).test_client()
    for n in range(7):
        assert client.post("/api/v1/stories", json=story(f"story-{n}", f"2024-01-{n + 1:02d}"),
                           headers=auth).status_code == 201
    first = client.get("/api/v1/stories?lang=en").get_json()
    assert [s["id"] for s in first["stories"]] == [DEMO_ID, "story-6", "story-5"]
    assert client.post("/api/v1/stories", json=story("story-new", "2026-01-01"), headers=auth).status_code == 201
    ids, following = [s["id"] for s in first["stories"]], first["next"]
    while following:
        page = client.get(following).get_json()
        ids += [s["id"] for s in page["stories"]]
        following = page["next"]
    assert ids == [DEMO_ID] + [f"story-{n}" for n in range(6, -1, -1)], "no story skipped or repeated"
    assert client.get("/api/v1/stories?lang=en&limit=2").get_json()["next"].endswith("limit=2")
    html = client.get("/en/").get_data(as_text=True)
    assert '<link rel="next" href="/en/?cursor=' in html and 'rel="next"' in html
    for bad in ("/api/v1/stories?limit=0", "/api/v1/stories?limit=101", "/api/v1/stories?limit=x"):
        assert client.get(bad).status_code == 400, bad
    for no_page in ("/api/v1/stories?cursor=nope", "/api/v1/coverage?cursor=", "/en/?cursor=nope"):
        assert client.get(no_page).status_code == 404, no_page


def test_feed_is_valid_atom_linked_from_the_pages(client):
    response = client.get("/ko/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.language == "ko"
    (entry,) = feed.entries
    assert entry.link == f"http://localhost/ko/stories/{DEMO_ID}" and entry.id == entry.link
    assert entry.title and entry.summary and entry.updated_parsed and entry.published_parsed
    assert '<link rel="alternate" type="application/atom+xml"' in client.get("/ko/").get_data(as_text=True)


def test_a_queued_translation_is_served_as_source_marked_pending(app, client, install_models):
    install_models(app, "en_ko")                  # published; no worker has translated anything yet
    body = client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()
    assert body["title"]["provenance"] == "source" and body["title"]["pending"] is True
    post = next(q for q in body["quotes"] if q["source_lang"] == "ja")
    assert post["pending"] is False, "ja-ko has no model: not pending"
    page = client.get(f"/ko/stories/{DEMO_ID}").get_data(as_text=True)
    assert '<span class="marker pending">번역 대기 중</span>' in page
