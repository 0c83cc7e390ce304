"""Catalogs through the real app: the CLI, the story API and pages, coverage, and live reload
under a running gunicorn server with two workers."""
from __future__ import annotations

import json
import time
import urllib.request

import polib
import pytest
from sqlalchemy import func, select

from service.store import HumanTranslationRow
from support.app import DEMO_ID, TOKEN
from support.catalog_fixtures import msgfmt_check, story_file, story_template


def ko_catalog(app):
    return story_file(app.config["KAKEHASHI"].translations_dir, "ko", DEMO_ID)


def watch(app) -> list:
    """One poll of the app's catalog watcher, as its background thread does in a server."""
    return app.extensions["kakehashi"].catalog_watcher.check_now()


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def story_fields(client, lang="ko"):
    body = client.get(f"/api/v1/stories/{DEMO_ID}?lang={lang}").get_json()
    return body, [body["title"], *body["points"], *body["quotes"], *body.get("headings", [])]


def translate_first_points(path, how_many=1, text="번역된 요점 {n}"):
    """A translator fills in the first point entries (and removes fuzzy), saving with polib."""
    po = polib.pofile(str(path))
    done = {}
    for entry in po:
        if entry.msgctxt == f"{DEMO_ID}/point" and len(done) < how_many:
            entry.msgstr = text.format(n=len(done) + 1)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            done[entry.msgid] = entry.msgstr
    po.save()
    return done


def test_cli_export_import_and_api_shows_human(app, runner, client):
    result = runner.invoke(args=["catalog", "export"])
    assert result.exit_code == 0, result.output
    assert f"ko/LC_MESSAGES/content/2025-08/{DEMO_ID}.po: written" in result.output
    directory = app.config["KAKEHASHI"].translations_dir
    for path in [story_template(directory, DEMO_ID)] + [story_file(directory, lang, DEMO_ID) for lang in ("en", "ko", "ja")]:
        msgfmt_check(path)
    again = runner.invoke(args=["catalog", "export"])
    assert again.exit_code == 0 and "0 file(s) written, 0 unchanged, 4 not changed since the last export" in again.output

    done = translate_first_points(ko_catalog(app))
    dry = runner.invoke(args=["catalog", "import", "--lang", "ko", "--dry-run"])
    assert dry.exit_code == 0 and "(dry run)" in dry.output and "human 1 added" in dry.output
    with app.extensions["kakehashi"].store.reading() as session:
        assert session.scalar(select(func.count()).select_from(HumanTranslationRow)) == 0

    result = runner.invoke(args=["catalog", "import", "--lang", "ko"])
    assert result.exit_code == 0, result.output
    assert "human 1 added, 0 changed, 0 unchanged" in result.output
    body, fields = story_fields(client)
    human = [f for f in fields if f["provenance"] == "human"]
    assert [(f["source_text"], f["text"], f["lang"]) for f in human] == [(k, v, "ko") for k, v in done.items()]
    assert body["coverage"]["human"] == 1


def test_cli_rejects_a_broken_file_with_file_and_line(app, runner, client):
    runner.invoke(args=["catalog", "export"])
    translate_first_points(ko_catalog(app))
    assert runner.invoke(args=["catalog", "import"]).exit_code == 0
    text = ko_catalog(app).read_text(encoding="utf-8").replace('"Language: ko\\n"', '"Language: en\\n"')
    ko_catalog(app).write_text(text, encoding="utf-8")
    result = runner.invoke(args=["catalog", "import", "--lang", "ko"])
    line = text.split("\n").index('"Language: en\\n"') + 1
    assert result.exit_code != 0
    assert f"Error: {ko_catalog(app)}:{line}: Language is \"en\" but the file is in the \"ko\" folder" in result.output
    assert sum(f["provenance"] == "human" for f in story_fields(client)[1]) == 1, "the last good import stays"
    health = client.get("/healthz", headers=AUTH).get_json()
    assert health["catalogs"]["broken"] == 1 and health["status"] == "degraded"
    assert [c["error"] for c in health["catalogs"]["files"] if not c["ok"]] == [
        f"ko/LC_MESSAGES/content/2025-08/{DEMO_ID}.po:{line}: Language is \"en\" but the file is in the \"ko\" folder"]
    assert str(app.config["KAKEHASHI"].translations_dir) not in json.dumps(health), "no absolute paths on /healthz"


def test_saved_catalog_is_picked_up_by_the_watcher_never_by_a_request(app, runner, client):
    runner.invoke(args=["catalog", "export"])
    translate_first_points(ko_catalog(app), how_many=2)
    _, fields = story_fields(client)             # settings poll every 0 s, yet no request reads files
    assert sum(f["provenance"] == "human" for f in fields) == 0
    assert [r.added for r in watch(app) if r.lang == "ko"] == [2]
    body, fields = story_fields(client)
    assert sum(f["provenance"] == "human" for f in fields) == 2
    page = client.get(f"/ko/stories/{DEMO_ID}").get_data(as_text=True)
    assert "번역된 요점 1" in page and "번역된 요점 2" in page


def test_coverage_api_page_and_stats_agree(app, runner, client):
    runner.invoke(args=["catalog", "export"])
    translate_first_points(ko_catalog(app))
    runner.invoke(args=["catalog", "import"])
    body = client.get("/api/v1/coverage?lang=ko").get_json()
    ko = body["languages"]["ko"]
    story = body["stories"][0]
    per_story = {k: v for k, v in story["languages"]["ko"].items() if k != "file"}
    assert story["id"] == DEMO_ID and per_story == {k: v for k, v in ko.items() if k not in ("catalog", "broken_files")}
    assert story["languages"]["ko"]["file"] == f"ko/LC_MESSAGES/content/2025-08/{DEMO_ID}.po"
    assert ko["human"] == 1 and ko["human"] + ko["machine"] + ko["source"] == ko["fields"]
    assert ko["catalog"] == "ok" and story["title"]["lang"] in ("en", "ko")
    _, fields = story_fields(client)
    assert ko["fields"] == len(fields) and ko["human"] == sum(f["provenance"] == "human" for f in fields)

    every = client.get("/api/v1/coverage").get_json()
    assert set(every["languages"]) == {"en", "ko", "ja"} and every["languages"]["ko"] == ko
    assert every["languages"]["en"]["native"] > 0
    bad = client.get("/api/v1/coverage?lang=fr")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "unsupported_language"
    assert client.get("/api/v1/coverage?lang=").status_code == 400

    page = client.get("/ko/translate")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="ko">' in html
    assert f'href="/ko/stories/{DEMO_ID}"' in html and 'href="/ja/translate"' in html
    assert client.get("/fr/translate").status_code == 404

    stats = runner.invoke(args=["catalog", "stats", "--lang", "ko"])
    assert stats.exit_code == 0 and DEMO_ID[:40] in stats.output
    totals = stats.output.splitlines()[1].split()
    names = ("fields", "native", "human", "machine", "source", "untranslated", "fuzzy")
    assert totals[3:10] == [str(ko[n]) for n in names]
    row = next(line for line in stats.output.splitlines() if line.startswith(DEMO_ID[:40]))
    assert row.split()[-1] == f"ko/LC_MESSAGES/content/2025-08/{DEMO_ID}.po", "the file to open"


def test_machine_suggestions_flag_counts_fuzzy(app, runner, client, install_models):
    install_models(app, "en_ko")
    assert runner.invoke(args=["translate"]).exit_code == 0
    result = runner.invoke(args=["catalog", "export", "--lang", "ko", "--machine-suggestions"])
    assert result.exit_code == 0, result.output
    po = polib.pofile(str(ko_catalog(app)))
    suggested = [e for e in po if e.fuzzy and "machine translation by argos:en-ko" in e.comment]
    assert suggested
    msgfmt_check(ko_catalog(app))
    watch(app)                       # fuzzy entries count once the file is imported
    ko = client.get("/api/v1/coverage?lang=ko").get_json()["languages"]["ko"]
    assert ko["fuzzy"] == len(suggested) == ko["machine"]
    entry = suggested[0]
    entry.flags.remove("fuzzy")
    po.save()
    watch(app)
    _, fields = story_fields(client)
    accepted = [f for f in fields if f["source_text"] == entry.msgid]
    assert accepted and all(f["provenance"] == "human" and f["text"] == entry.msgstr for f in accepted)


def fetch_json(url, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
        return json.loads(response.read())


@pytest.mark.timeout(180)
def test_live_reload_under_a_running_server(live_server, settings, start_worker):
    """Two gunicorn workers and a `kakehashi worker` (which watches the catalogs); a translator
    saves content.po; every web worker serves it within seconds, and a broken save keeps the last
    good text while /healthz says where the file is broken."""
    from service import create_app

    start_worker(settings)
    app = create_app(settings)
    assert app.test_cli_runner().invoke(args=["catalog", "export", "--lang", "ko"]).exit_code == 0
    app.extensions["kakehashi"].store.engine.dispose()
    path = story_file(settings.translations_dir, "ko", DEMO_ID)
    done = translate_first_points(path, how_many=1, text="살아있는 번역")
    url = f"{live_server.url}/api/v1/stories/{DEMO_ID}?lang=ko"

    def humans():
        body = fetch_json(url)
        return {f["text"] for f in [*body["points"]] if f["provenance"] == "human"}

    def eventually(check, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return True
            time.sleep(0.2)
        return False

    # many requests, so both workers answer some of them
    assert eventually(lambda: all(humans() == set(done.values()) for _ in range(8)))
    text = path.read_text(encoding="utf-8").replace('msgstr "살아있는 번역"', 'msgstr "깨진')
    path.write_text(text, encoding="utf-8")
    line = text.split("\n").index('msgstr "깨진') + 1
    assert eventually(lambda: fetch_json(f"{live_server.url}/healthz")["catalogs"]["broken"] == 1)
    health = fetch_json(f"{live_server.url}/healthz", headers=AUTH)
    assert health["status"] == "degraded"
    assert [c["error"] for c in health["catalogs"]["files"] if not c["ok"]] == [
        f"ko/LC_MESSAGES/content/2025-08/{DEMO_ID}.po:{line}: expected one string in double quotes"]
    assert all(humans() == {"살아있는 번역"} for _ in range(8)), "the last good catalog is still served"


def test_source_edit_through_the_api_unserves_and_exports_fuzzy(app, runner, client, auth):
    runner.invoke(args=["catalog", "export", "--lang", "ko"])
    body, _ = story_fields(client)
    heading = body["headings"][0]
    po = polib.pofile(str(ko_catalog(app)))
    po.find(heading["source_text"], msgctxt=f"{DEMO_ID}/heading").msgstr = "협력과 지역 안보 재확인"
    po.save()
    assert runner.invoke(args=["catalog", "import", "--lang", "ko"]).exit_code == 0
    assert story_fields(client)[0]["headings"][0]["provenance"] == "human"

    sources = body["sources"]
    sources[heading["from"]]["text"] = heading["source_text"] + " Ties"
    snippets = [{k: v for k, v in s.items() if v is not None} for s in sources]
    response = client.put(f"/api/v1/stories/{DEMO_ID}", headers=auth,
                          json={"id": DEMO_ID, "published": body["published"], "snippets": snippets})
    assert response.status_code == 200, response.get_json()
    edited = story_fields(client)[0]["headings"][0]
    assert edited["source_text"].endswith(" Ties") and edited["provenance"] != "human"

    assert runner.invoke(args=["catalog", "export", "--lang", "ko"]).exit_code == 0
    msgfmt_check(ko_catalog(app))
    entry = polib.pofile(str(ko_catalog(app))).find(edited["source_text"], msgctxt=f"{DEMO_ID}/heading")
    assert entry.fuzzy and entry.previous_msgid == heading["source_text"] and entry.msgstr == "협력과 지역 안보 재확인"


def test_coverage_responses_match_the_documented_models(app, runner, client):
    from service.api.coverage import OPENAPI_MODELS, CoverageOut

    runner.invoke(args=["catalog", "export"])
    translate_first_points(ko_catalog(app))
    runner.invoke(args=["catalog", "import"])
    with_title = client.get("/api/v1/coverage?lang=ko").get_json()
    every = client.get("/api/v1/coverage").get_json()
    assert CoverageOut.model_validate(with_title).stories[0].title.provenance in ("human", "machine", "source")
    assert all(story.title is None for story in CoverageOut.model_validate(every).stories)
    assert CoverageOut in OPENAPI_MODELS

    documented = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/coverage"]["get"]
    schema = documented["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["title"] == "CoverageOut" and set(schema["required"]) == {"languages", "stories", "next", "broken_files"}
    assert "nullable" not in json.dumps(documented), "OpenAPI 3.1 is JSON Schema: null is a type, not nullable"



def test_status_page_lists_newest_first_with_files_and_broken_lines(app, runner, client, auth):
    newer = {"id": "newer-story", "published": "2025-09-02",
             "snippets": [{"lang": "en", "kind": "headline", "text": "A newer story about trade talks",
                           "attribution": "Desk"},
                          {"lang": "en", "kind": "paragraph", "text": "Talks went on. They ended late in the day.",
                           "attribution": "Desk"}]}
    assert client.post("/api/v1/stories", headers=auth, json=newer).status_code == 201
    assert runner.invoke(args=["catalog", "export"]).exit_code == 0
    path = ko_catalog(app)
    text = path.read_text(encoding="utf-8") + '\nmsgid "SECRET-CONTENT\n'
    path.write_text(text, encoding="utf-8")
    watch(app)
    html = client.get("/ko/translate").get_data(as_text=True)
    rows = [line for line in html.splitlines() if "data-story=" in line]
    assert [row.split('data-story="')[1].split('"')[0] for row in rows][:2] == ["newer-story", DEMO_ID]
    assert "ko/LC_MESSAGES/content/2025-09/newer-story.po" in html
    line = len(text.rstrip("\n").split("\n"))
    assert f"ko/LC_MESSAGES/content/2025-08/{DEMO_ID}.po:{line}: expected one string in double quotes" in html
    assert "SECRET-CONTENT" not in html and str(path) not in html
