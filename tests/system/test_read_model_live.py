"""No stale read anywhere: real gunicorn servers (two workers each), every kind of change, and
two servers sharing one PostgreSQL. Each check reads many times over fresh connections, so
every worker answers some, after each worker had cached the old document."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import polib
import pytest

from service import create_app
from support.app import DEMO_ID, TOKEN
from support.catalog_fixtures import story_file
from support.postgres_server import PostgresServer
from support.queue_fixtures import wait_for
from support.server import LiveServer

READS = 12
AUTH = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def send(url: str, method: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=AUTH)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def every_read(urls: list[str], check) -> bool:
    return all(check(*get(url)) for _ in range(READS) for url in urls)


def story(title: str) -> dict:
    return {"id": DEMO_ID, "published": "2025-08-23", "title": title, "snippets": [
        {"lang": "en", "kind": "paragraph", "attribution": "Wire",
         "text": f"{title} was announced on Tuesday. Officials confirmed it later. Nobody was hurt."}]}


@pytest.mark.timeout(300)
def test_no_stale_read_after_any_kind_of_change_from_either_worker(live_server, settings, install_models,
                                                                  start_worker):
    base = live_server.url
    api, page, index = f"{base}/api/v1/stories/{DEMO_ID}?lang=ko", f"{base}/ko/stories/{DEMO_ID}", f"{base}/ko/"
    urls = [api, page, index]
    assert every_read(urls, lambda status, _: status == 200)            # both workers cache the old ones

    assert send(f"{base}/api/v1/stories/{DEMO_ID}", "PUT", story("Ministers agree")) == 200
    assert every_read(urls, lambda status, body: status == 200 and "Ministers agree" in body), "PUT"

    app = create_app(settings)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["catalog", "export", "--lang", "ko"]).exit_code == 0
    catalog = polib.pofile(str(story_file(settings.translations_dir, "ko", DEMO_ID)))
    catalog.find("Ministers agree", msgctxt=f"{DEMO_ID}/title").msgstr = "장관들 합의"
    start_worker(settings, env={"KAKEHASHI_MT_BACKGROUND": "false"})   # it watches the catalogs
    catalog.save()                              # saved, not imported: the worker's watcher takes it
    wait_for(lambda: "장관들 합의" in get(api)[1], 30, "the catalog import", detail=live_server.output)
    assert every_read(urls, lambda status, body: "장관들 합의" in body), "catalog save"

    install_models(app, "en_ja")
    assert runner.invoke(args=["translate", "--lang", "ja"]).exit_code == 0
    ja = f"{base}/api/v1/stories/{DEMO_ID}?lang=ja"
    assert every_read([ja], lambda _, body: json.loads(body)["title"]["provenance"] == "machine"), "machine fill"

    install_models(app, "en_ja_v2" if False else "ja_en")        # an unrelated pair changes nothing here
    assert runner.invoke(args=["models", "remove", "en-ja"]).exit_code == 0
    assert every_read([f"{base}/api/v1/languages"], lambda _, body: "en-ja" not in body
                      and '"target":"ja"' not in body.replace(" ", "")), "model removal"
    assert every_read([ja], lambda _, body: json.loads(body)["title"]["engine"] == "argos:en-ja:1.1"), \
        "no model for the pair: the newest stored translation"

    messages = settings.translations_dir / "ko" / "LC_MESSAGES" / "messages.po"
    messages.write_text(messages.read_text(encoding="utf-8").replace('msgstr "핵심 요약"', 'msgstr "주요 내용"'),
                        encoding="utf-8")
    assert runner.invoke(args=["i18n", "compile"]).exit_code == 0
    wait_for(lambda: "주요 내용" in get(page)[1], 30, "the UI catalog reload")
    assert every_read([page], lambda _, body: "주요 내용" in body and "핵심 요약" not in body), "UI catalog"

    assert send(f"{base}/api/v1/stories/{DEMO_ID}", "DELETE") == 204
    assert every_read([api, page], lambda status, _: status == 404), "DELETE"
    assert every_read([index], lambda _, body: DEMO_ID not in body)
    app.extensions["kakehashi"].store.dispose()


@pytest.fixture
def postgres():
    server = PostgresServer()
    yield server
    server.stop()


@pytest.mark.timeout(300)
def test_two_servers_sharing_one_postgresql_never_serve_old_content(settings, tmp_path, postgres):
    url = postgres.create_database("shared")
    first = LiveServer(settings.with_overrides(database_url=url, instance_dir=tmp_path / "a"))
    second = LiveServer(settings.with_overrides(database_url=url, instance_dir=tmp_path / "b"))
    try:
        paths = [f"/api/v1/stories/{DEMO_ID}?lang=ko", f"/ko/stories/{DEMO_ID}", "/ko/", "/api/v1/stories"]
        both = [server.url + path for server in (first, second) for path in paths]
        assert every_read(both, lambda status, _: status == 200)
        for n, (writer, reader) in enumerate([(first, second), (second, first)]):
            title = f"Shared store edit {n}"
            assert send(f"{writer.url}/api/v1/stories/{DEMO_ID}", "PUT", story(title)) == 200
            assert every_read([reader.url + path for path in paths], lambda _, body, title=title: title in body)
        assert send(f"{first.url}/api/v1/stories/{DEMO_ID}", "DELETE") == 204
        assert every_read([second.url + paths[0], second.url + paths[1]], lambda status, _: status == 404)
    finally:
        first.stop()
        second.stop()
