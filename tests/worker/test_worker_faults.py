"""`kakehashi worker` as real processes against real parts (SQLite queue, redis-server,
PostgreSQL, gunicorn): killed mid-batch, a Redis restart, a model that fails, two of each tier."""
from __future__ import annotations

import json
import subprocess
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.store import FieldRow, MachineTranslationRow
from service.store.workers import job_failures, workers_seen
from support.app import DEMO_ID, TOKEN, make_app
from support.postgres_server import PostgresServer
from support.queue_fixtures import wait_for
from support.server import LiveServer

SENTENCES = ["The ministers met on Tuesday in Seoul.", "They agreed to meet again in spring.",
             "Trade and security were on the agenda.", "Both sides called the talks useful.",
             "A joint statement is expected next week.", "Officials declined to give details."]


def story(n: int) -> dict:
    text = " ".join(f"{sentence[:-1]} (report {n}, part {i})." for i, sentence in enumerate(SENTENCES * 2))
    return {"id": f"story-{n}", "published": "2025-10-02", "title": f"Talks, round {n}",
            "snippets": [{"lang": "en", "kind": "paragraph", "attribution": "Wire", "text": text}]}


def post(client_or_url, body: dict) -> int:
    if isinstance(client_or_url, str):
        request = urllib.request.Request(f"{client_or_url}/api/v1/stories", data=json.dumps(body).encode(),
                                         method="POST", headers={"Authorization": f"Bearer {TOKEN}",
                                                                 "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    return client_or_url.post("/api/v1/stories", json=body, headers={"Authorization": f"Bearer {TOKEN}"}).status_code


def needed(store, langs=("ko",)) -> int:
    """(text, language) pairs the English fields need: each must be stored exactly once."""
    with store.reading() as session:
        hashes = set(session.scalars(select(FieldRow.source_hash).where(FieldRow.source_lang == "en")))
    return len(hashes) * len(langs)


def machine_rows(store) -> list[tuple]:
    with store.reading() as session:
        return session.execute(select(MachineTranslationRow.source_hash, MachineTranslationRow.target_lang,
                                      MachineTranslationRow.engine, MachineTranslationRow.text)).all()


def test_a_worker_killed_mid_batch_loses_nothing_and_stores_nothing_twice(settings, install_models, start_worker):
    slow = settings.with_overrides(mt_background=True, mt_max_decoding_length=48)
    app = make_app(slow, demo=False)
    store = app.extensions["kakehashi"].store
    install_models(app, "en_ko")
    client = app.test_client()
    for n in range(10):
        assert post(client, story(n)) == 201
    total = needed(store)
    first = start_worker(slow)
    wait_for(lambda: 0 < len(machine_rows(store)) < total, timeout=120, interval=0.05,
             what="the worker to be half-way")
    first.kill()
    before = {row[:3]: row[3] for row in machine_rows(store)}
    assert len(before) < total, "killed before it finished"
    second = start_worker(slow)
    wait_for(lambda: len(machine_rows(store)) >= total, timeout=180, what="the restarted worker to finish")
    rows = machine_rows(store)
    assert len(rows) == len({row[:3] for row in rows}) == total, "every text translated once, none twice"
    assert all(dict((r[:3], r[3]) for r in rows)[key] == text for key, text in before.items()), \
        "what was stored before the kill is kept, not redone"
    for n in range(10):
        body = client.get(f"/api/v1/stories/story-{n}?lang=ko").get_json()
        assert body["coverage"]["source"] == 0, second.output()
    assert second.stop() == 0
    app.extensions["kakehashi"].store.dispose()


def test_a_model_that_fails_fails_its_job_with_a_visible_reason_and_retries_while_other_pairs_go_on(
        settings, install_models, start_worker, mt_packages):
    on = settings.with_overrides(mt_background=True, queue_retries=2, queue_retry_seconds=0.5)  # set by the enqueuer
    app = make_app(on, demo=False)
    store = app.extensions["kakehashi"].store
    install_models(app, "en_ko", "en_ja")
    broken = next(Path(on.models_dir).glob("*en_ko*/model/model.bin"), None) or \
        next(p for p in Path(on.models_dir).rglob("model.bin") if "ko" in str(p))
    broken.write_bytes(b"not a model")
    assert post(app.test_client(), story(1)) == 201
    worker = start_worker(on)

    def final_failure():
        with store.reading() as session:
            return [f for f in job_failures(session) if f.final]

    (failure,) = wait_for(final_failure, timeout=120, what="the job to use up its retries", detail=worker.output)
    assert failure.key == "translate:story-1" and failure.attempts == 3, "tried once, retried twice"
    assert "en-ko" in failure.error and "cannot load model argos:en-ko:1.1" in failure.error
    client = app.test_client()
    assert client.get("/api/v1/stories/story-1?lang=ja").get_json()["coverage"]["source"] == 0, "en-ja went on"
    assert client.get("/api/v1/stories/story-1?lang=ko").get_json()["coverage"]["machine"] == 0
    listed = app.test_cli_runner().invoke(args=["jobs"]).output
    assert "translate:story-1" in listed and "no retries left" in listed and "cannot load model" in listed
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded" and str(on.models_dir) not in json.dumps(health)
    assert health["queue"]["failed"][0]["job"] == "translate:story-1"
    assert [w["concurrency"] for w in health["queue"]["workers"]] == [1]

    install_models(app, "en_ko")                          # the fix: a good copy of the package
    assert app.test_cli_runner().invoke(args=["jobs", "retry", "translate:story-1"]).exit_code == 0
    wait_for(lambda: client.get("/api/v1/stories/story-1?lang=ko").get_json()["coverage"]["source"] == 0,
             timeout=120, what="the retried job")
    wait_for(lambda: not final_failure(), timeout=30, what="the failure to be cleared")
    assert worker.stop() == 0
    app.extensions["kakehashi"].store.dispose()


def test_a_worker_started_before_init_sweeps_once_the_store_exists(settings, mt_packages, start_worker):
    """Issue 12's bug, with a real process: the worker starts on an empty instance, then the
    store is created and the demo story loaded with no job enqueued; the worker's own sweep
    translates it."""
    from service.translate.packages import install_package

    install_package(settings.models_dir, mt_packages.en_ko, settings.max_model_unpacked_bytes)
    worker = start_worker(settings)
    wait_for(lambda: "store is not initialized yet" in worker.output(), timeout=60, what="the worker to wait")
    app = make_app(settings)                               # init + demo story, mt_background off: no job
    client = app.test_client()
    wait_for(lambda: client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()["coverage"]["source"] == 1,
             timeout=90, what="the worker's sweep to translate the demo story", detail=worker.output)
    with app.extensions["kakehashi"].store.reading() as session:
        import datetime as dt
        assert len(workers_seen(session, dt.timedelta(seconds=30))) == 1
    assert worker.stop() == 0
    app.extensions["kakehashi"].store.dispose()


def test_a_redis_restart_loses_nothing_the_sweep_cannot_recover(settings, install_models, start_worker, redis_server):
    on = settings.with_overrides(mt_background=True, queue_url=redis_server.url)
    app = make_app(on, demo=False)
    install_models(app, "en_ko")
    client = app.test_client()
    done = lambda n: client.get(f"/api/v1/stories/story-{n}?lang=ko").get_json()["coverage"]["source"] == 0  # noqa: E731 - a one-line helper where it is used

    # 1. a job queued in Redis, Redis restarted (no persistence) before any worker ran it
    assert post(client, story(1)) == 201
    assert app.extensions["kakehashi"].jobs.huey.pending_count() >= 1
    redis_server.restart()
    assert app.extensions["kakehashi"].jobs.huey.pending_count() == 0, "the job is gone"
    worker = start_worker(on, env={"KAKEHASHI_QUEUE_SWEEP_SECONDS": "2"})
    wait_for(lambda: done(1), timeout=90, what="the start sweep to recover story-1")

    # 2. Redis down while a story is written: the write succeeds; Redis back, the periodic sweep
    redis_server.stop()
    assert post(client, story(2)) == 201
    redis_server.start()
    wait_for(lambda: done(2), timeout=90, what="the periodic sweep to recover story-2")

    # 3. and the worker still takes new jobs from the restarted Redis
    assert post(client, story(3)) == 201
    wait_for(lambda: done(3), timeout=90, what="a job through the restarted Redis")
    store = app.extensions["kakehashi"].store
    assert len(machine_rows(store)) == needed(store)
    assert worker.stop() == 0
    app.extensions["kakehashi"].store.dispose()


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    yield server
    server.stop()


def test_two_web_servers_and_two_workers_on_postgresql_and_redis(settings, postgres, redis_server, mt_packages,
                                                                 start_worker):
    shared = settings.with_overrides(database_url=postgres.create_database("tiers"), queue_url=redis_server.url,
                                     mt_background=True)
    app = make_app(shared)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["models", "install", str(mt_packages.en_ko)]).exit_code == 0
    servers = [LiveServer(shared), LiveServer(shared)]
    workers = [start_worker(shared, concurrency=2, name=f"worker-{n}") for n in range(2)]
    try:
        wait_for(lambda: len(_health(servers[1])["queue"]["workers"]) == 2, timeout=90, what="both heartbeats")
        wait_for(lambda: _fetch(servers[1], DEMO_ID)["coverage"]["source"] == 1, timeout=120,
                 what="the demo story (enqueued by init) to be translated")
        assert post(servers[0].url, story(7)) == 201
        body = wait_for(lambda: (b := _fetch(servers[1], "story-7"))["coverage"]["source"] == 0 and b,
                        timeout=120, what="story-7 translated, read on server B")
        assert body["title"]["provenance"] == "machine" and body["title"]["engine"] == "argos:en-ko:1.1"
        logs = "".join(worker.output() for worker in workers)
        assert logs.count("story story-7:") == 1, "translated once, by one worker"
        store = app.extensions["kakehashi"].store
        with store.reading() as session:
            duplicates = session.execute(
                select(MachineTranslationRow.source_hash, MachineTranslationRow.target_lang, func.count())
                .group_by(MachineTranslationRow.source_hash, MachineTranslationRow.target_lang)
                .having(func.count() > 1)).all()
        assert duplicates == []
        # no model in a web worker, however many are installed. With PostgreSQL and Redis the two
        # client libraries take ~25 MB (measured); the SQLite default serves at ~111 MB.
        rss = _web_worker_rss_mb(servers[0])
        assert rss and max(rss) <= 140, f"web worker RSS {rss} MB"
    finally:
        for server in servers:
            server.stop()
        for worker in workers:
            worker.stop()
        app.extensions["kakehashi"].store.dispose()


def _fetch(server, story_id: str) -> dict:
    with urllib.request.urlopen(f"{server.url}/api/v1/stories/{story_id}?lang=ko", timeout=30) as response:
        return json.load(response)


def _health(server) -> dict:
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=30) as response:
        return json.load(response)


def _web_worker_rss_mb(server) -> list[float]:
    """Resident memory of the gunicorn worker processes (children of the arbiter), in MB."""
    children = subprocess.run(["ps", "-o", "rss=", "--ppid", str(server.process.pid)], capture_output=True,
                              text=True).stdout.split()
    return [int(kb) / 1024 for kb in children]
