"""Machine translation through the real app: CLI install, `translate`, API provenance and engine
labels, pivots, re-fill after edits, a POST's job run by a worker, bad archives via the CLI,
and `--from-index` both offline (fails fast) and against a local index."""
from __future__ import annotations

import http.server
import json
import threading
import zipfile
from pathlib import Path

import pytest

from service.core.config import PROJECT_ROOT
from service.worker.runtime import WorkerRuntime
from support.app import DEMO_ID, make_app
from support.queue_fixtures import drain

EN_KO, EN_JA, JA_EN = "argos:en-ko:1.1", "argos:en-ja:1.1", "argos:ja-en:1.1"
PIVOT = "argos:ja-en:1.1>argos:en-ko:1.1"
STORY = {
    "id": "tariff-talks", "published": "2025-09-01",
    "snippets": [
        {"lang": "en", "kind": "headline", "text": "Seoul and Tokyo discuss tariffs", "attribution": "Test Wire"},
        {"lang": "en", "kind": "paragraph", "attribution": "Test Wire",
         "text": "Officials met on Monday. They discussed tariffs on steel. A second round is planned."},
        {"lang": "ja", "kind": "post", "text": "関税について協議しました。", "attribution": "外務省"},
    ],
}


def fields_of(body: dict) -> list[dict]:
    return [body["title"], *body["points"], *body["quotes"], *body.get("headings", [])]


def expected_engine(field: dict, lang: str) -> str | None:
    return {("en", "ko"): EN_KO, ("en", "ja"): EN_JA, ("ja", "en"): JA_EN, ("ja", "ko"): PIVOT}.get(
        (field["source_lang"], lang))


def assert_machine_translated(body: dict, lang: str) -> None:
    fields = fields_of(body)
    for field in fields:
        if field["source_lang"] == lang:
            assert field["provenance"] == "source"
        elif field["provenance"] != "human":
            assert field["provenance"] == "machine", field
            assert field["engine"] == expected_engine(field, lang)
            assert field["lang"] == lang and field["text"]
    assert body["coverage"]["source"] == sum(f["source_lang"] == lang for f in fields)


def test_install_translate_and_api_serves_machine_text_with_engine(app, client, runner, install_models):
    before = client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()
    assert before["coverage"]["machine"] == 0
    install_models(app)
    result = runner.invoke(args=["translate"])
    assert result.exit_code == 0, result.output
    assert "fields translated in" in result.output and "fields/s" in result.output
    for lang in ("ko", "ja", "en"):
        assert_machine_translated(client.get(f"/api/v1/stories/{DEMO_ID}?lang={lang}").get_json(), lang)
    ko = client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()
    assert any(f["engine"] == PIVOT for f in fields_of(ko)), "the Japanese post reaches Korean via English"
    assert ko["coverage"]["machine"] > 0
    again = runner.invoke(args=["translate"])
    assert again.exit_code == 0 and again.output.strip().splitlines()[-1].startswith("0 fields translated")


def test_story_page_marks_machine_text_with_its_engine(app, client, runner, install_models):
    install_models(app)
    runner.invoke(args=["translate", "--lang", "ko"])
    page = client.get(f"/ko/stories/{DEMO_ID}").get_data(as_text=True)
    assert f'data-engine="{EN_KO}"' in page
    assert 'data-engine="argos:ja-en:1.1&gt;argos:en-ko:1.1"' in page


def test_languages_and_healthz_report_models(app, client, install_models):
    install_models(app)
    pairs = client.get("/api/v1/languages").get_json()["machine_translation"]
    assert {(p["source"], p["target"]): p["engine"] for p in pairs}[("ja", "ko")] == PIVOT
    models = client.get("/healthz").get_json()["models"]
    assert [m["pair"] for m in models["installed"]] == ["en-ja", "en-ko", "ja-en"]
    assert models["pivots"][0]["engine"] == PIVOT


def test_translate_options_dry_run_story_and_lang(app, runner, install_models):
    install_models(app, "en_ko")
    dry = runner.invoke(args=["translate", "--dry-run", "--lang", "ko"])
    assert dry.exit_code == 0 and "fields to translate (dry run)" in dry.output
    pending = int(dry.output.strip().splitlines()[-1].split()[0])
    done = runner.invoke(args=["translate", "--story", DEMO_ID, "--lang", "ko"])
    assert done.exit_code == 0 and done.output.strip().splitlines()[-1].startswith(f"{pending} fields translated")
    assert "skipped (no model for ja-ko)" in done.output
    missing = runner.invoke(args=["translate", "--story", "no-such-story"])
    assert missing.exit_code != 0 and "no story with id 'no-such-story'" in missing.output


def test_translate_without_models_says_what_to_do(runner):
    result = runner.invoke(args=["translate"])
    assert result.exit_code != 0 and "kakehashi models install" in result.output


def test_source_edit_is_refilled_and_old_text_no_longer_served(app, client, runner, auth, install_models):
    install_models(app, "en_ko")
    runner.invoke(args=["translate", "--lang", "ko"])
    story = json.loads((PROJECT_ROOT / "service" / "demo" / f"{DEMO_ID}.json").read_text(encoding="utf-8"))
    story["title"] = "An edited title for the visit"
    assert client.put(f"/api/v1/stories/{DEMO_ID}", json=story, headers=auth).status_code == 200
    title = client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()["title"]
    assert title["provenance"] == "source" and title["source_text"] == "An edited title for the visit"
    result = runner.invoke(args=["translate", "--lang", "ko"])
    assert result.output.strip().splitlines()[-1].startswith("1 fields translated")
    title = client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()["title"]
    assert (title["provenance"], title["engine"]) == ("machine", EN_KO)


def test_new_model_version_is_refilled(app, client, runner, install_models):
    install_models(app, "en_ko")
    runner.invoke(args=["translate", "--lang", "ko"])
    install_models(app, "en_ko_v2")
    assert client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()["coverage"]["machine"] == 0
    runner.invoke(args=["translate", "--lang", "ko"])
    engines = {f["engine"] for f in fields_of(client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json())}
    assert "argos:en-ko:1.2" in engines and EN_KO not in engines


def test_post_serves_source_while_its_job_waits_then_machine_once_a_worker_ran_it(settings, auth, install_models):
    """A POST enqueues a job and answers: meanwhile the API and the page serve every field of the
    new story as source; once a worker ran the job, they are served as machine text."""
    app = make_app(settings.with_overrides(mt_background=True), demo=False)
    services = app.extensions["kakehashi"]
    runtime = WorkerRuntime(settings)
    try:
        install_models(app)
        drain(runtime)                                       # the install's sweep: nothing to fill
        client = app.test_client()
        assert client.post("/api/v1/stories", json=STORY, headers=auth).status_code == 201
        assert [job.key for job in services.jobs.pending()] == ["translate:tariff-talks"]
        for lang in ("ko", "ja", "en"):
            body = client.get(f"/api/v1/stories/tariff-talks?lang={lang}").get_json()
            for field in fields_of(body):
                assert (field["provenance"], field["engine"]) == ("source", None), field
                assert (field["text"], field["lang"]) == (field["source_text"], field["source_lang"])
            assert body["coverage"] == {"human": 0, "machine": 0, "source": len(fields_of(body))}
        page = client.get("/ko/stories/tariff-talks").get_data(as_text=True)
        assert "data-engine=" not in page and 'class="marker source"' in page

        assert drain(runtime) == 1
        for lang in ("ko", "ja", "en"):
            body = client.get(f"/api/v1/stories/tariff-talks?lang={lang}").get_json()
            assert_machine_translated(body, lang)
            assert body["coverage"]["machine"] == sum(f["source_lang"] != lang for f in fields_of(body)) > 0
        ko = client.get("/api/v1/stories/tariff-talks?lang=ko").get_json()
        assert {f["engine"] for f in fields_of(ko)} == {EN_KO, PIVOT}
        assert f'data-engine="{EN_KO}"' in client.get("/ko/stories/tariff-talks").get_data(as_text=True)
    finally:
        runtime.close()
        services.jobs.close()
        services.store.dispose()


def test_models_list_and_remove(app, runner, install_models):
    empty = runner.invoke(args=["models", "list"])
    assert "No models installed" in empty.output
    install_models(app)
    listed = runner.invoke(args=["models", "list"]).output
    assert "en-ko" in listed and "1.1" in listed and "MB" in listed and PIVOT in listed
    removed = runner.invoke(args=["models", "remove", "en-ko"])
    assert removed.exit_code == 0 and "Removed en-ko 1.1" in removed.output
    assert "en-ko " not in runner.invoke(args=["models", "list"]).output
    again = runner.invoke(args=["models", "remove", "en-ko"])
    assert again.exit_code != 0 and "no model for en-ko is installed" in again.output


def _bad_archives(good: Path, folder: Path) -> dict[str, Path]:
    with zipfile.ZipFile(good) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    top = next(iter(entries)).split("/")[0]

    def write(name, extra=(), drop=(), replace=None, symlink=None):
        path = folder / f"{name}.argosmodel"
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for entry, data in {**entries, **dict(extra)}.items():
                if entry not in drop:
                    archive.writestr(entry, (replace or {}).get(entry, data))
            if symlink:
                info = zipfile.ZipInfo(f"{top}/link")
                info.external_attr = 0o120777 << 16
                archive.writestr(info, symlink)
        return path

    not_zip = folder / "not-zip.argosmodel"
    not_zip.write_text("plain text")
    return {
        "not a zip archive": not_zip,
        "outside the package folder": write("dotdot", extra={f"{top}/../../x.txt": b"x"}),
        "absolute": write("absolute", extra={"/tmp/x.txt": b"x"}),
        "symbolic link": write("symlink", symlink="/etc/passwd"),
        "over the limit": write("bomb", extra={f"{top}/zeros.bin": bytes(6 * 1024 * 1024)}),
        "not valid JSON": write("badmeta", replace={f"{top}/metadata.json": b"{nope"}),
        "missing model/model.bin": write("nomodel", drop={f"{top}/model/model.bin"}),
        "CTranslate2 model in model/ does not load": write("garbagemodel",
                                                           replace={f"{top}/model/model.bin": b"garbage" * 100}),
        "exactly one top folder": write("twotops", extra={"other/x.txt": b"x"}),
    }


@pytest.fixture
def small_limit_app(settings):
    app = make_app(settings.with_overrides(max_model_unpacked_bytes=4 * 1024 * 1024), demo=False)
    yield app
    app.extensions["kakehashi"].store.engine.dispose()


@pytest.mark.parametrize("reason", ["not a zip archive", "outside the package folder", "absolute",
                                    "symbolic link", "over the limit", "not valid JSON",
                                    "missing model/model.bin", "CTranslate2 model in model/ does not load",
                                    "exactly one top folder"])
def test_bad_archive_is_refused_by_the_cli_and_changes_nothing(small_limit_app, mt_packages, tmp_path,
                                                               install_models, reason):
    install_models(small_limit_app, "en_ko")
    runner = small_limit_app.test_cli_runner()
    before = runner.invoke(args=["models", "list"]).output
    result = runner.invoke(args=["models", "install", str(_bad_archives(mt_packages.en_ja, tmp_path)[reason])])
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0] and "Traceback" not in result.output
    assert runner.invoke(args=["models", "list"]).output == before
    assert small_limit_app.extensions["kakehashi"].translators.engines() == {("en", "ko"): EN_KO}


@pytest.mark.timeout(60)  # a hang guard: offline must answer, not wait forever
def test_from_index_fails_fast_when_offline(runner, monkeypatch):
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", "http://127.0.0.1:9/")
    result = runner.invoke(args=["models", "install", "--from-index", "en-ko"])
    assert result.exit_code != 0
    assert "cannot reach the Argos package index" in result.output and "models install FILE" in result.output


def test_from_index_installs_from_a_reachable_index(app, runner, mt_packages, tmp_path, monkeypatch):
    """A local HTTP server stands in for the Argos index (loopback only: no internet in tests)."""
    served = tmp_path / "index"
    served.mkdir()
    (served / "pkg.argosmodel").write_bytes(mt_packages.en_ko.read_bytes())
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(served), **k)  # noqa: E731 - a one-line helper where it is used
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    (served / "index.json").write_text(json.dumps([{
        "type": "translate", "from_code": "en", "to_code": "ko", "from_name": "English", "to_name": "Korean",
        "package_version": "1.1", "argos_version": "1.9", "links": [f"{base}/pkg.argosmodel"]}]))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("ARGOS_PACKAGE_INDEX", base + "/")
        result = runner.invoke(args=["models", "install", "--from-index", "en-ko"])
        assert result.exit_code == 0, result.output
        assert app.extensions["kakehashi"].translators.engines() == {("en", "ko"): EN_KO}
        missing = runner.invoke(args=["models", "install", "--from-index", "ko-ja"])
        assert missing.exit_code != 0 and "has no ko-ja package" in missing.output
    finally:
        server.shutdown()
        server.server_close()
