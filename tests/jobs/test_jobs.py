"""The queue from the writers' side, device choice, settings, and the `pending` rule; the
worker itself runs in-process here (``drain``) and as real processes in test_worker*.py."""
from __future__ import annotations

import time
from contextlib import contextmanager

import pytest

from service.core.config import ConfigError, Settings, settings_from_env
from service.core.domain import Field
from service.core.localize import NoTranslations, Resolver, is_pending
from service.jobs.hueylib import RedisHuey, SqliteHuey
from service.jobs.queue import build_queue, describe_backend
from service.store.versions import bump_site
from service.store.workers import job_failures
from service.translate.engine import Device
from service.worker.consumer import DeviceError, choose_device
from service.worker.runtime import WorkerRuntime
from support.app import DEMO_ID, make_app
from support.queue_fixtures import drain

STORY = {"id": "queued-story", "published": "2025-10-02", "title": "Ministers meet in Seoul",
         "snippets": [{"lang": "en", "kind": "paragraph", "attribution": "Wire",
                       "text": "The ministers met on Tuesday. They agreed to meet again in spring."}]}


def test_the_queue_is_sqlite_in_the_instance_folder_unless_a_redis_url_is_set(tmp_path):
    settings = Settings(instance_dir=tmp_path)
    queue = build_queue(settings)
    assert isinstance(queue, SqliteHuey) and (tmp_path / "queue.sqlite3").exists()
    assert describe_backend(settings) == "sqlite (instance folder)"
    remote = Settings(instance_dir=tmp_path, queue_url="redis://:secret@10.0.0.5:6380/2")
    assert isinstance(build_queue(remote), RedisHuey)            # connects lazily: nothing reached here
    assert describe_backend(remote) == "redis://10.0.0.5:6380/2"


def test_queue_and_device_settings_are_validated_with_a_hint():
    settings = settings_from_env({"KAKEHASHI_QUEUE_URL": "redis://q:6379/0", "KAKEHASHI_MT_DEVICE": "CUDA",
                                  "KAKEHASHI_QUEUE_SWEEP_SECONDS": "60"})
    assert (settings.queue_url, settings.mt_device, settings.queue_sweep_seconds) == ("redis://q:6379/0", "cuda", 60)
    with pytest.raises(ConfigError, match="redis://host:port/db"):
        Settings(queue_url="amqp://rabbit")
    with pytest.raises(ConfigError, match="auto, cpu, cuda"):
        Settings(mt_device="tpu")
    with pytest.raises(ConfigError, match="queue_sweep_seconds"):
        Settings(queue_sweep_seconds=0)


def test_auto_device_is_cuda_with_a_gpu_and_a_compute_type_it_supports():
    no_gpu, one_gpu = (lambda: 0), (lambda: 1)
    assert choose_device("auto", no_gpu) == Device("cpu", "default")
    assert choose_device("cpu", one_gpu) == Device("cpu", "default")
    supported = lambda device: {"float32", "int8", "int8_float16", "float16"}  # noqa: E731 - a one-line helper where it is used
    assert choose_device("auto", one_gpu, supported) == Device("cuda", "int8_float16")
    assert choose_device("cuda", one_gpu, lambda d: {"float32", "float16"}) == Device("cuda", "float16")
    with pytest.raises(DeviceError, match="KAKEHASHI_MT_DEVICE=auto or cpu"):
        choose_device("cuda", no_gpu)
    assert choose_device("auto") == Device("cpu", "default")      # this machine: CTranslate2 sees no GPU


def test_a_write_enqueues_after_commit_and_answers_without_translating(settings, auth, install_models):
    app = make_app(settings.with_overrides(mt_background=True), demo=False)
    services = app.extensions["kakehashi"]
    try:
        install_models(app)
        client = app.test_client()
        started = time.monotonic()
        assert client.post("/api/v1/stories", json=STORY, headers=auth).status_code == 201
        assert time.monotonic() - started < 10
        assert [job.key for job in services.jobs.pending()] == ["sweep", "sweep", "sweep", "translate:queued-story"]
        body = client.get("/api/v1/stories/queued-story?lang=ko").get_json()
        assert body["coverage"]["machine"] == 0, "a web process never translates"
        assert not any(engine.loaded for route in services.translators.routes().values() for engine in route)
        story = {**STORY, "title": "Ministers meet again"}
        assert client.put("/api/v1/stories/queued-story", json=story, headers=auth).status_code == 200
        assert services.jobs.pending()[-1].key == "translate:queued-story"
        health = client.get("/healthz").get_json()["queue"]
        assert health["depth"] == 5 and health["oldest_pending_seconds"] >= 0 and health["workers"] == []
    finally:
        services.jobs.close()
        services.store.dispose()


def test_a_queue_that_is_down_does_not_fail_the_write(settings, auth, caplog):
    from support.server import free_port

    down = settings.with_overrides(mt_background=True, queue_url=f"redis://127.0.0.1:{free_port()}/0")
    app = make_app(down, demo=False)
    try:
        response = app.test_client().post("/api/v1/stories", json=STORY, headers=auth)
        assert response.status_code == 201
        assert "a worker's sweep will pick it up" in caplog.text
        health = app.test_client().get("/healthz").get_json()
        assert health["queue"]["reachable"] is False and health["status"] == "degraded"
    finally:
        app.extensions["kakehashi"].store.dispose()


def test_the_worker_runtime_runs_queued_jobs_and_a_sweep_recovers_unqueued_stories(settings, install_models):
    """In-process: the demo story was stored with no job (mt_background off); the sweep enqueues
    it, the job translates it; a second sweep finds nothing."""
    app = make_app(settings)
    install_models(app)
    runtime = WorkerRuntime(settings)
    try:
        assert runtime.jobs.pending() == []
        assert runtime.sweep() is True
        assert [job.key for job in runtime.jobs.pending()] == [f"translate:{DEMO_ID}"]
        assert drain(runtime) == 1
        body = app.test_client().get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()
        assert body["coverage"]["source"] == 0 and body["title"]["provenance"] == "machine"
        assert runtime.sweep() is True and runtime.jobs.pending() == []
    finally:
        runtime.close()
        app.extensions["kakehashi"].store.dispose()


def test_a_sweep_before_the_store_exists_retries_instead_of_giving_up(tmp_path, install_models, settings):
    """Issue 12: a worker started before `kakehashi init` must still sweep once the store exists."""
    runtime = WorkerRuntime(settings)
    try:
        assert runtime.sweep() is False, "no tables yet: tell the loop to try again soon"
        assert runtime.heartbeat() is False and runtime.publish_models() is False
        app = make_app(settings)
        install_models(app)
        assert runtime.sweep() is True
        assert [job.key for job in runtime.jobs.pending()] == [f"translate:{DEMO_ID}"]
        app.extensions["kakehashi"].store.dispose()
    finally:
        runtime.close()


def test_a_failing_pair_fails_its_job_with_a_reason_while_the_other_pairs_are_stored(settings, install_models,
                                                                                    monkeypatch):
    app = make_app(settings)
    install_models(app)
    runtime = WorkerRuntime(settings.with_overrides(queue_retries=1))
    real = runtime.translators.translate

    def broken_ko(source, target, texts, progress=None):
        if target == "ko":
            raise RuntimeError("CUDA out of memory (simulated)")
        return real(source, target, texts, progress=progress)

    monkeypatch.setattr(runtime.translators, "translate", broken_ko)
    try:
        runtime.jobs.translate([DEMO_ID])
        drain(runtime)
        with runtime.store.reading() as session:
            (failure,) = job_failures(session)
        assert failure.key == f"translate:{DEMO_ID}" and failure.retries_left == 1
        assert "en-ko" in failure.error and "CUDA out of memory (simulated)" in failure.error
        assert "kakehashi jobs retry" in failure.error
        assert [job.key for job in runtime.jobs.scheduled()] == [f"translate:{DEMO_ID}"], "retried with backoff"
        client = app.test_client()
        assert client.get(f"/api/v1/stories/{DEMO_ID}?lang=ja").get_json()["coverage"]["source"] == 1, \
            "en-ja carried on (only the Japanese post is source)"
        assert client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()["coverage"]["machine"] == 0
        listed = app.test_cli_runner().invoke(args=["jobs"]).output
        assert f"translate:{DEMO_ID}" in listed and "CUDA out of memory (simulated)" in listed
        health = client.get("/healthz").get_json()["queue"]
        assert health["failed"][0]["job"] == f"translate:{DEMO_ID}" and health["retries_waiting"] == 1

        monkeypatch.undo()
        retried = app.test_cli_runner().invoke(args=["jobs", "retry", "--all"])
        assert retried.exit_code == 0 and "1 job(s) enqueued again" in retried.output
        drain(runtime)
        assert client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()["coverage"]["source"] == 0
        with runtime.store.reading() as session:
            assert job_failures(session) == []
    finally:
        runtime.close()
        app.extensions["kakehashi"].store.dispose()


@contextmanager
def runtime_with_a_corrupt_model(settings, install_models, monkeypatch, retries: int):
    """The demo store with models installed, and a worker runtime whose every translation fails."""
    app = make_app(settings)
    install_models(app)
    runtime = WorkerRuntime(settings.with_overrides(queue_retries=retries))

    def broken(source, target, texts, progress=None):
        raise RuntimeError("the model file is corrupt (simulated)")

    monkeypatch.setattr(runtime.translators, "translate", broken)
    try:
        yield app, runtime
    finally:
        runtime.close()
        app.extensions["kakehashi"].store.dispose()


def test_a_sweep_leaves_a_job_that_failed_for_good_until_the_story_or_the_models_change(settings, install_models,
                                                                                       auth, monkeypatch):
    """A job with no retry left is not enqueued again by every sweep to fail the same way; an edit
    of its story, new models, or `kakehashi jobs retry` (test above) make it worth another try."""
    key = f"translate:{DEMO_ID}"
    with runtime_with_a_corrupt_model(settings, install_models, monkeypatch, retries=0) as (app, runtime):
        runtime.in_flight.just_ended = 0        # not the race guard's test (see below)
        assert runtime.sweep() is True and [job.key for job in runtime.jobs.pending()] == [key]
        drain(runtime)
        with runtime.store.reading() as session:
            assert [(f.key, f.final) for f in job_failures(session)] == [(key, True)]
        assert runtime.sweep() is True and runtime.jobs.pending() == [], "failed for good: left alone"

        time.sleep(1.1)      # stored times have whole seconds: the edit comes after the failure
        edited = app.test_client().put(f"/api/v1/stories/{DEMO_ID}", json=dict(STORY, id=DEMO_ID), headers=auth)
        assert edited.status_code == 200
        assert runtime.sweep() is True and [job.key for job in runtime.jobs.pending()] == [key], "edited: tried again"
        drain(runtime)
        assert runtime.sweep() is True and runtime.jobs.pending() == []

        time.sleep(1.1)
        with runtime.store.transaction() as session:
            bump_site(session, engines=True)       # what publishing a changed set of models does
        assert runtime.sweep() is True and [job.key for job in runtime.jobs.pending()] == [key], "new models"


def test_a_sweep_does_not_start_a_second_chain_for_a_job_that_just_ended(settings, install_models, monkeypatch):
    """Between the end of a failed job's body and Huey scheduling its retry, the story is neither
    queued nor in flight; a sweep in that moment started a second chain of attempts."""
    with runtime_with_a_corrupt_model(settings, install_models, monkeypatch, retries=2) as (_app, runtime):
        with pytest.raises(Exception, match="corrupt"):
            runtime.translate_story(DEMO_ID)                 # the body ran and failed ...
        monkeypatch.setattr(runtime.jobs, "pending_story_ids", set)   # ... its retry not scheduled yet
        assert runtime.sweep() is True and runtime.jobs.pending() == [], "left to the job's own retry"
        runtime.in_flight.just_ended = 0
        assert runtime.sweep() is True and [job.key for job in runtime.jobs.pending()] == [f"translate:{DEMO_ID}"]


def test_cli_commands_enqueue_after_commit(settings, mt_packages):
    app = make_app(settings.with_overrides(mt_background=True), demo=False)
    services = app.extensions["kakehashi"]
    runner = app.test_cli_runner()
    try:
        assert "enqueued for a worker" in runner.invoke(args=["init"]).output
        installed = runner.invoke(args=["models", "install", str(mt_packages.en_ko)])
        assert installed.exit_code == 0 and "A worker translates what is missing" in installed.output
        assert [job.key for job in services.jobs.pending()] == [f"translate:{DEMO_ID}", "sweep"]
        assert "2 pending" in runner.invoke(args=["jobs"]).output
        assert "already in the store" in runner.invoke(args=["init"]).output
        assert len(services.jobs.pending()) == 2, "nothing changed, nothing enqueued"
    finally:
        services.jobs.close()
        services.store.dispose()


def field(text, lang="en"):
    return Field(story_id="s", role="point", position=0, source_index=0, source_lang=lang, source_text=text)


@pytest.mark.parametrize("text, lang, reading, engines, expected", [
    ("They met.", "en", "ko", {("en", "ko"): "argos:en-ko:1.1"}, True),                       # queued
    ("They met.", "en", "ko", {("en", "ja"): "argos:en-ja:1.1"}, False),                      # no model
    ("They met.", "en", "en", {("en", "ko"): "argos:en-ko:1.1"}, False),                      # own language
    ("   ", "en", "ko", {("en", "ko"): "argos:en-ko:1.1"}, False),                            # nothing to say
    ("会談した。", "ja", "ko", {("ja", "ko"): "argos:ja-en:1.1>argos:en-ko:1.1"}, True),       # via English
])
def test_a_field_is_pending_when_served_as_source_with_a_current_engine(text, lang, reading, engines, expected):
    item = field(text, lang)
    (resolved,) = Resolver(NoTranslations(), NoTranslations()).localize([item], reading)
    assert is_pending(item, resolved, reading, engines) is expected


def test_a_translated_field_is_not_pending():
    class Machine:
        def lookup(self, lang, items):
            return {key: ("그들이 만났다.", "argos:en-ko:1.1") for key in items}

    item = field("They met.")
    (resolved,) = Resolver(NoTranslations(), Machine()).localize([item], "ko")
    assert resolved.provenance == "machine"
    assert is_pending(item, resolved, "ko", {("en", "ko"): "argos:en-ko:1.1"}) is False


def test_a_catalog_import_that_withdraws_a_human_translation_enqueues_a_sweep(settings, monkeypatch):
    from service.catalogs.importer import ImportReport
    from service.catalogs.watcher import CatalogWatcher
    from service.jobs.withdrawals import SweepingCatalogWatcher

    class Jobs:
        swept = 0

        def sweep(self):
            self.swept += 1
            return True

    jobs = Jobs()
    watcher = SweepingCatalogWatcher(settings, store=None, jobs=jobs)
    reports = [[ImportReport("ko/LC_MESSAGES/content.po", "ko", added=2)],
               [ImportReport("ko/LC_MESSAGES/content.po", "ko", withdrawn=1)], []]
    monkeypatch.setattr(CatalogWatcher, "check_now", lambda self: reports.pop(0))
    assert watcher.check_now()[0].added == 2 and jobs.swept == 0, "new human text: nothing for the machine"
    assert watcher.check_now()[0].withdrawn == 1 and jobs.swept == 1
    assert watcher.check_now() == [] and jobs.swept == 1
