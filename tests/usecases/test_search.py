"""Search (issue 24) through the real app on SQLite (FTS5 trigram) and PostgreSQL (pg_trgm): what
each reader is served and the sources match, every write path keeps the index current at once,
bad input is a 400, and results are cached documents with ETag/304."""
from __future__ import annotations

import datetime as dt
import itertools
import re

import polib
import pytest

from service.core.domain import source_hash
from service.core.textrules import search_form
from service.store import FieldRow, SnippetRow, StoryRow, make_store
from service.store.migrate import upgrade
from service.usecases.searching import locate
from support.app import DEMO_ID, make_app
from support.catalog_fixtures import story_file
from support.postgres_server import PostgresServer
from support.search import UNLIMITED, found, ids, publish, store_human, store_machine

_names = itertools.count()
OTHER = {"id": "harbour-story", "published": "2024-05-01", "title": "Harbour pilots strike in Rotterdam",
         "snippets": [{"lang": "en", "kind": "paragraph", "attribution": "Wire",
                       "text": "Harbour pilots went on strike on Monday. Ships waited outside the port for hours."}]}


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, settings):
    """An app with the demo story and one other, on each store; searches are not rate-limited."""
    settings = settings.with_overrides(search_rate_limit=UNLIMITED)
    if request.param == "postgresql":
        server = request.getfixturevalue("postgres")
        settings = settings.with_overrides(database_url=server.create_database(f"search_{next(_names)}"))
    app = make_app(settings)
    yield app
    app.extensions["kakehashi"].jobs.close()
    app.extensions["kakehashi"].store.dispose()


@pytest.fixture
def client(backend, auth):
    client = backend.test_client()
    assert client.post("/api/v1/stories", json=OTHER, headers=auth).status_code == 201
    return client


def store_of(app):
    return app.extensions["kakehashi"].store


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def test_en_finds_the_story_by_any_word_of_its_title_or_points(client):
    story = client.get(f"/api/v1/stories/{DEMO_ID}?lang=en").get_json()
    vocabulary = words(story["title"]["text"]).union(*(words(p["text"]) for p in story["points"]))
    assert len(vocabulary) > 40
    for word in sorted(vocabulary):
        assert DEMO_ID in ids(client, "en", word), word
    assert ids(client, "en", "Rotterdam") == ["harbour-story"]
    assert ids(client, "en", "no such words anywhere") == []


def test_ja_finds_the_demo_story_by_its_japanese_quote(client):
    [card] = found(client, "ja", "李在明")
    assert card["id"] == DEMO_ID
    match = card["match"]
    assert (match["in"], match["provenance"], match["lang"]) == ("quote", "source", "ja")
    assert match["excerpt"]["match"] == "李在明" and "李在明" in match["text"]
    assert ids(client, "en", "李在明") == [DEMO_ID]       # everyone's sources hold it


def test_one_and_two_character_queries_scan_the_index(client):
    """Trigram indexes need three characters; shorter queries are answered by a scan, same rules."""
    assert ids(client, "ja", "石破") == [DEMO_ID]          # 石破茂, the post's author
    assert ids(client, "ja", "李") == [DEMO_ID]
    assert ids(client, "en", "zq") == []
    assert set(ids(client, "en", "a")) == {DEMO_ID, "harbour-story"}


def test_case_width_and_spaces_do_not_matter(client):
    for query in ("ROTTERDAM", "ｒｏｔｔｅｒｄａｍ", "Harbour   PILOTS", " rotterdam "):
        assert ids(client, "en", query) == ["harbour-story"], query
    [card] = found(client, "ja", "ｶﾅﾀﾞ")                     # half-width kana: NFKC makes it カナダ
    assert card["id"] == DEMO_ID and card["match"]["excerpt"]["match"] == "カナダ"


def test_ko_finds_a_human_translation_stored_by_a_catalog_import(backend, client):
    title = client.get(f"/api/v1/stories/{DEMO_ID}").get_json()["title"]["source_text"]
    assert ids(client, "ko", "첫 일본 방문") == []
    store_human(store_of(backend), "ko", DEMO_ID, "title", "en", title, "이재명 대통령, 첫 일본 방문")
    [card] = found(client, "ko", "첫 일본 방문")
    assert card["id"] == DEMO_ID
    assert (card["match"]["in"], card["match"]["provenance"], card["match"]["excerpt"]["match"]) == \
        ("title", "human", "첫 일본 방문")
    assert ids(client, "ko", "이재명") == [DEMO_ID]
    assert ids(client, "en", "첫 일본 방문") == []          # an English reader is not served it
    # the English title is no longer what a Korean reader is served: it stops matching in ko
    assert DEMO_ID not in ids(client, "ko", "makes his first full visit")


def test_ko_finds_machine_translations_and_follows_model_changes(backend, client):
    story = client.get(f"/api/v1/stories/{DEMO_ID}?lang=en").get_json()
    english = [f for f in [story["title"], *story["points"]] if f["source_lang"] == "en"]
    texts = {("en", f["source_text"]): f"기계번역 문장 {n}호" for n, f in enumerate(english)}
    store_machine(store_of(backend), "ko", "argos:en-ko:1.1", texts)
    [card] = found(client, "ko", "기계번역 문장 0호")
    assert card["id"] == DEMO_ID and card["match"]["provenance"] == "machine"
    assert card["match"]["engine"] == "argos:en-ko:1.1" and card["match"]["in"] == "title"
    assert ids(client, "ja", "기계번역") == []
    # a new model version: the old machine text is no longer served, nor found
    publish(store_of(backend), {("en", "ko"): "argos:en-ko:1.2"})
    assert ids(client, "ko", "기계번역") == []
    assert DEMO_ID in ids(client, "ko", "Lee")
    publish(store_of(backend), {("en", "ko"): "argos:en-ko:1.1"})      # back: served and found again
    assert ids(client, "ko", "기계번역 문장 1호") == [DEMO_ID]


def test_the_public_catalog_import_is_searchable_at_once(backend, client):
    runner = backend.test_cli_runner()
    assert runner.invoke(args=["catalog", "export"]).exit_code == 0
    path = story_file(backend.config["KAKEHASHI"].translations_dir, "ko", DEMO_ID)
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgctxt == f"{DEMO_ID}/title")
    entry.msgstr = "번역가가 옮긴 제목입니다"
    po.save()
    result = runner.invoke(args=["catalog", "import", "--lang", "ko"])
    assert result.exit_code == 0, result.output
    [card] = found(client, "ko", "번역가가 옮긴")
    assert card["match"]["provenance"] == "human"


def test_an_edited_or_deleted_story_stops_matching_its_old_text_at_once(client, auth):
    assert ids(client, "en", "pilots") == ["harbour-story"]
    edited = dict(OTHER, title="Dock workers return in Antwerp", snippets=[
        {"lang": "en", "kind": "paragraph", "attribution": "Wire",
         "text": "Dock workers returned on Tuesday. The port of Antwerp reopened at noon."}])
    assert client.put("/api/v1/stories/harbour-story", json=edited, headers=auth).status_code == 200
    assert ids(client, "en", "pilots") == [] and ids(client, "en", "Rotterdam") == []
    assert ids(client, "en", "Antwerp") == ["harbour-story"]
    assert client.delete("/api/v1/stories/harbour-story", headers=auth).status_code == 204
    assert ids(client, "en", "Antwerp") == []
    new = dict(OTHER, id="fresh-story", title="Fresh cranberries arrive")
    assert client.post("/api/v1/stories", json=new, headers=auth).status_code == 201
    assert ids(client, "en", "cranberries") == ["fresh-story"]


@pytest.mark.parametrize("query", ['"', '"Lee', "Lee*", "NEAR(Lee Trump)", "Lee OR Trump", "-", "Jae-myung",
                                   "Lee AND", "'; DROP TABLE stories; --", "%", "_", "\\", "{title}: Lee", "^Lee"])
def test_search_syntax_is_plain_text(client, query):
    """Whatever the engines' query syntax means, a query is a literal substring: never a 500."""
    story = client.get(f"/api/v1/stories/{DEMO_ID}?lang=en").get_json()
    texts = [story["title"]["text"], *(p["text"] for p in story["points"]), *(q["text"] for q in story["quotes"]),
             *(s["text"] + "\n" + s["attribution"] for s in story["sources"])]
    expected = [DEMO_ID] if any(query.lower() in text.lower() for text in texts) else []
    assert ids(client, "en", query) == expected
    assert client.get(f"/api/v1/stories/{DEMO_ID}").status_code == 200


@pytest.mark.parametrize("query", ["tide tables", "qx"])      # the trigram index, and the short path
def test_results_are_best_match_first_and_paginated_with_a_cursor(client, auth, query):
    for n in range(5):
        story = {"id": f"tide-{n}", "published": f"2024-06-0{n + 1}",
                 "title": "Tide tables qx updated" if n % 2 else f"Weather report {n}",
                 "snippets": [{"lang": "en", "kind": "paragraph", "attribution": "Wire",
                               "text": f"Coastal towns publish new tide tables qx. Report number {n} says so."},
                              {"lang": "en", "kind": "paragraph", "attribution": "Wire",
                               "text": "Another paragraph follows here. It says nothing about the sea."}]}
        assert client.post("/api/v1/stories", json=story, headers=auth).status_code == 201
    source_only = dict(OTHER, id="tide-source", published="2024-07-01", title="Harbour news",
                       snippets=[{"lang": "en", "kind": "paragraph", "attribution": "Tide tables qx",
                                  "text": "Harbour news today. Boats came and went."}])
    assert client.post("/api/v1/stories", json=source_only, headers=auth).status_code == 201
    for limit in (1, 2, 20):
        cards = found(client, "en", query, limit=limit)
        assert [c["id"] for c in cards] == ["tide-3", "tide-1", "tide-4", "tide-2", "tide-0", "tide-source"]
        assert [c["match"]["in"] for c in cards] == ["title", "title", "point", "point", "point", "source"]
    assert client.get("/api/v1/search?lang=en&q=tide&cursor=bm90LW91cnM").status_code == 404


def test_bad_queries_are_400_with_a_clear_message(client):
    cases = {"x" * 201: "query_too_long", "": "empty_query", "   ": "empty_query", "\u200b\ufeff": "empty_query",
             "Lee\x00": "query_control_characters", "Lee\nJae": "query_control_characters",
             "\u202eLee": "query_control_characters", "㍿" * 60: "query_too_long"}
    for query, code in cases.items():
        response = client.get("/api/v1/search", query_string={"lang": "en", "q": query})
        assert response.status_code == 400, query
        assert response.get_json()["error"]["code"] == code and response.get_json()["error"]["message"]
    assert client.get("/api/v1/search?lang=en").get_json()["error"]["code"] == "empty_query"
    assert client.get("/api/v1/search?lang=xx&q=Lee").status_code == 400
    assert client.get("/api/v1/search?lang=en&q=Lee&limit=0").status_code == 400


def test_results_are_cached_documents_with_etag_and_304(client, auth):
    first = client.get("/api/v1/search?lang=en&q=Rotterdam")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache" and first.headers["Last-Modified"]
    assert client.get("/api/v1/search?lang=en&q=Rotterdam", headers={"If-None-Match": etag}).status_code == 304
    page = client.get("/ko/search?q=Rotterdam")
    assert client.get("/ko/search?q=Rotterdam", headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    assert client.delete("/api/v1/stories/harbour-story", headers=auth).status_code == 204
    after = client.get("/api/v1/search?lang=en&q=Rotterdam", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.get_json()["stories"] == []


def test_the_page_highlights_the_match_escaped_and_labelled(client, auth):
    story = dict(OTHER, id="markup-story", title="<script>alert(1)</script> Zanzibarish & <b>bold</b>")
    assert client.post("/api/v1/stories", json=story, headers=auth).status_code == 201
    html = client.get("/ko/search?q=zanzibarish").get_data(as_text=True)
    assert "<script>alert" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Zanzibarish</mark> &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert 'class="marker source"' in html                   # an English text on a Korean page
    demo = client.get("/ja/search?q=李在明").get_data(as_text=True)
    assert "<mark>李在明</mark>" in demo and 'href="/ja/stories/lee-jae-myung-visits-japan"' in demo


def test_every_reader_page_has_the_search_box_in_its_language(client):
    for path in ("/ko/", f"/ko/stories/{DEMO_ID}", "/ko/translate", "/ko/search", "/ko/search?q=Lee", "/ko/stories/no-such-story"):
        html = client.get(path).get_data(as_text=True)
        assert 'role="search" action="/ko/search"' in html, path
        assert 'aria-label="기사 검색"' in html, path
    bad = client.get("/ja/search?q=%01")
    assert bad.status_code == 400 and "検索できない文字" in bad.get_data(as_text=True)


def test_a_migration_builds_the_index_of_an_existing_store(settings):
    """A store made before search (0004) with a story in it: upgrading indexes that story."""
    store = make_store(settings.database_url)           # makes the instance folder
    upgrade(settings.database_url, "0004")
    with store.transaction() as session:
        session.add(StoryRow(id="old-story", published=dt.date(2020, 1, 1), title="Archived lighthouse keeper"))
        session.add(SnippetRow(story_id="old-story", position=0, lang="ja", kind="paragraph", text="灯台守の話です。",
                               attribution="通信社"))
        title = "Archived lighthouse keeper"
        session.add(FieldRow(story_id="old-story", position=0, role="title", source_index=None, source_lang="en",
                             source_text=title, source_hash=source_hash("en", title)))
    store.dispose()
    app = make_app(settings.with_overrides(search_rate_limit=UNLIMITED), demo=False)
    client = app.test_client()
    assert ids(client, "ja", "灯台守") == ["old-story"]
    assert ids(client, "ja", "通信") == ["old-story"]
    assert ids(client, "ko", "lighthouse") == ["old-story"]
    app.extensions["kakehashi"].store.dispose()


def test_searches_are_rate_limited_per_address(settings):
    app = make_app(settings.with_overrides(search_rate_limit="3 per minute"), demo=False)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/search?lang=en&q=Lee").status_code == 200
    limited = client.get("/api/v1/search?lang=en&q=Lee")
    assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "too_many_requests"
    assert int(limited.headers["Retry-After"]) >= 1
    assert client.get("/en/search?q=Lee").status_code == 429
    other = client.get("/api/v1/search?lang=en&q=Lee", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200
    app.extensions["kakehashi"].store.dispose()


@pytest.mark.parametrize("text, query, expected", [
    ("Prime Minister  Shigeru\tIshiba spoke", "shigeru ishiba", "Shigeru\tIshiba"),
    ("６月のｶﾞｲﾄﾞ版", "ガイド", "ｶﾞｲﾄﾞ"),                      # half-width kana with its voiced mark
    ("Ａｂｅ　Ｓｈｉｎｚｏ", "abe shinzo", "Ａｂｅ　Ｓｈｉｎｚｏ"),
    ("STRASSE und Straße", "straße", "STRASSE"),               # case folding: ß is ss
    ("no match here", "absent", None),
])
def test_locate_finds_the_match_in_the_readers_own_characters(text, query, expected):
    span = locate(text, search_form(query))
    assert (text[span[0]:span[1]] if span else None) == expected
