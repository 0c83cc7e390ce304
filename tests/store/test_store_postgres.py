"""The same store code on a real PostgreSQL server: migrations, writes, reads, translations."""
import itertools

import pytest

from service.core.domain import source_hash
from service.store import HumanTranslationRow, MachineTranslationRow
from support.app import DEMO_ID, make_app
from support.postgres_server import PostgresServer

_names = itertools.count()


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    yield server
    server.stop()


@pytest.fixture
def pg_client(settings, postgres):
    url = postgres.create_database(f"test_{next(_names)}")
    app = make_app(settings.with_overrides(database_url=url))
    yield app, app.test_client()
    app.extensions["kakehashi"].store.engine.dispose()


def test_health_names_the_backend(pg_client):
    _, client = pg_client
    assert client.get("/healthz").get_json()["store"] == {"reachable": True, "initialized": True,
                                                          "backend": "postgresql"}


def test_demo_story_and_writes(pg_client, auth):
    _, client = pg_client
    body = client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()
    assert body["sources"][2]["attribution"] == "石破茂 (@shigeruishiba)"
    story = {"id": "pg-story", "published": "2025-10-01", "snippets": [
        {"lang": "ja", "kind": "paragraph", "attribution": "テスト", "text": "長い本文です。" * 400}]}
    assert client.post("/api/v1/stories", json=story, headers=auth).status_code == 201
    assert client.post("/api/v1/stories", json=story, headers=auth).status_code == 409
    assert client.put("/api/v1/stories/pg-story", json=dict(story, title="題名"), headers=auth).status_code == 200
    assert client.get("/api/v1/stories/pg-story?lang=en").get_json()["title"]["text"] == "題名"
    assert [s["id"] for s in client.get("/api/v1/stories").get_json()["stories"]] == ["pg-story", DEMO_ID]
    assert client.delete("/api/v1/stories/pg-story", headers=auth).status_code == 204


def test_long_texts_are_keyed_by_hash_so_postgres_can_index_them(pg_client):
    app, client = pg_client
    store = app.extensions["kakehashi"].store
    title = client.get(f"/api/v1/stories/{DEMO_ID}").get_json()["title"]["source_text"]
    long_text = "とても長い引用です。" * 1000
    with store.transaction() as session:
        session.add(HumanTranslationRow(lang="ko", context=f"{DEMO_ID}/title", source_hash=source_hash("en", title),
                                        source_text=title, text="이재명 대통령, 트럼프 회담 앞두고 첫 일본 방문"))
        session.add(MachineTranslationRow(source_hash=source_hash("ja", long_text), target_lang="ko",
                                          engine="argos:ja-en:1.1>argos:en-ko:1.1", source_lang="ja", text="긴 인용"))
    body = client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()
    assert (body["title"]["provenance"], body["title"]["text"]) == ("human", "이재명 대통령, 트럼프 회담 앞두고 첫 일본 방문")


def test_upsert_on_postgres_inserts_then_updates(pg_client):
    from service.store import CatalogStateRow
    from service.store.upsert import upsert

    app, _ = pg_client
    store = app.extensions["kakehashi"].store
    for fingerprint in ("first", "second"):
        with store.transaction() as session:
            upsert(session, CatalogStateRow, [{"path": "ko/LC_MESSAGES/content.po", "fingerprint": fingerprint,
                                               "ok": True, "error": None, "details": {"human": 1}}])
    with store.reading() as session:
        rows = session.query(CatalogStateRow).all()
    assert [(r.path, r.fingerprint, r.details) for r in rows] == [("ko/LC_MESSAGES/content.po", "second", {"human": 1})]
