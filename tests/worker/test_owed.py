"""Owed work, in-process: the order a worker takes jobs in, a sweep that defers busy stories and
comes back to them, and what ``/healthz`` and ``kakehashi jobs`` say about stories no job covers.
The same rules against a real worker: test_owed_invariant.py."""
from __future__ import annotations

import datetime as dt
import time

from service.jobs.owed import OwedWatch, owed_work
from service.store.backlog import newest_first
from service.store.workers import job_started, running_stories
from service.worker.runtime import WorkerRuntime
from support.app import DEMO_ID, make_app
from support.archive import fill
from support.queue_fixtures import drain

NEW = {"id": "breaking-news", "published": "2025-11-01", "title": "Ministers meet in Seoul",
       "snippets": [{"lang": "en", "kind": "paragraph", "attribution": "Wire",
                     "text": "The ministers met on Tuesday. They agreed to meet again in spring."}]}


def test_translate_requests_then_writes_then_the_backlog_newest_published_first(settings, install_models, auth):
    """A model install over an archive enqueues its backlog; a story written meanwhile is the next
    job a worker takes (it waits for one job at most), and a /translate request goes before it."""
    on = settings.with_overrides(mt_background=True)
    app = make_app(on)
    fill(app, 300, start=dt.date(2024, 1, 1), quiet=True)
    runtime = WorkerRuntime(on)
    try:
        install_models(app, "en_ko")                       # its sweep job, then the worker sweeps
        assert runtime.sweep() is True
        backlog = [job.argument for job in runtime.jobs.pending() if job.task == "translate_story"]
        assert len(backlog) == 301 and backlog[:2] == [DEMO_ID, "synthetic-00299"] and backlog[-1] == "synthetic-00000"
        with runtime.store.reading() as session:
            assert backlog == [story_id for story_id, _ in newest_first(session, backlog)], "newest published first"
        huey = runtime.jobs.huey
        while (task := huey.dequeue()).name != "translate_story":        # the install's sweep job (found nothing new)
            huey.execute(task)
        huey.execute(task)                                                # the worker is one backlog job into it
        client = app.test_client()
        assert client.post("/api/v1/stories", json=NEW, headers=auth).status_code == 201
        runtime.jobs.tasks.translate_sentences("en", "ko", ["Hello."], 1)  # a /translate request's job
        first, second, third = runtime.jobs.pending()[:3]
        assert (first.task, second.key) == ("translate_sentences", "translate:breaking-news")
        assert third.task in ("sweep", "translate_story")
        runtime.jobs.huey.execute(runtime.jobs.huey.dequeue())            # the /translate job
        runtime.jobs.huey.execute(runtime.jobs.huey.dequeue())            # the new story, before the backlog
        body = client.get("/api/v1/stories/breaking-news?lang=ko").get_json()
        assert body["coverage"]["source"] == 0 and body["title"]["provenance"] == "machine"
    finally:
        runtime.close()
        app.extensions["kakehashi"].store.dispose()


def test_a_sweep_defers_a_story_being_translated_and_checks_it_again_when_its_job_settles(settings,
                                                                                        install_models):
    """The job may have loaded the models before the install the sweep is for: skipping the story
    is right while it runs, dropping it is not."""
    app = make_app(settings)
    install_models(app, "en_ko")
    runtime = WorkerRuntime(settings)
    try:
        with runtime.in_flight.tracking(DEMO_ID):        # a job of the demo story is running
            assert runtime.sweep() is True
            assert runtime.jobs.pending() == [] and runtime.in_flight.deferred() == {DEMO_ID}
        assert runtime.recheck() is True and runtime.jobs.pending() == [], "ended, not settled: still busy"
        runtime.in_flight.settled(DEMO_ID)               # Huey is done with it (what its signals say)
        assert runtime.recheck() is True
        assert [job.key for job in runtime.jobs.pending()] == [f"translate:{DEMO_ID}"]
        assert runtime.in_flight.deferred() == set()
        drain(runtime)
        assert runtime.sweep() is True and runtime.jobs.pending() == [], "translated: nothing owed"
    finally:
        runtime.close()
        app.extensions["kakehashi"].store.dispose()


def test_a_deferred_story_is_checked_again_even_if_no_settle_is_reported(settings, install_models):
    app = make_app(settings)
    install_models(app, "en_ko")
    runtime = WorkerRuntime(settings)
    runtime.in_flight.just_ended = 0.2
    try:
        with runtime.in_flight.tracking(DEMO_ID):
            runtime.sweep()
        assert runtime.in_flight.next_ready_in() is not None and runtime.in_flight.next_ready_in() <= 0.2
        time.sleep(0.25)
        assert runtime.recheck() is True and [job.key for job in runtime.jobs.pending()] == [f"translate:{DEMO_ID}"]
    finally:
        runtime.close()
        app.extensions["kakehashi"].store.dispose()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_healthz_counts_owed_stories_no_job_covers_and_is_degraded_after_a_sweep_period(settings, install_models):
    """The demo story was stored with no job (background off) and models installed: owed, uncovered."""
    app = make_app(settings.with_overrides(queue_sweep_seconds=60))
    install_models(app, "en_ko")
    services = app.extensions["kakehashi"]
    clock = Clock()
    services.owed_watch = OwedWatch(clock=clock)
    client = app.test_client()
    try:
        health = client.get("/healthz").get_json()
        assert health["queue"]["owed"] == {"stories": 1, "uncovered": 1, "uncovered_seconds": 0.0}
        assert health["status"] == "ok", "not yet: a worker's sweep has a period to find it"
        clock.now += 61
        health = client.get("/healthz").get_json()
        assert health["queue"]["owed"]["uncovered_seconds"] == 61.0 and health["status"] == "degraded"

        listed = app.test_cli_runner().invoke(args=["jobs"]).output
        assert "1 owed a translation with no job (1 owed in all)" in listed
        assert f"translate:{DEMO_ID}" in listed and "kakehashi jobs retry --owed" in listed
        retried = app.test_cli_runner().invoke(args=["jobs", "retry", "--owed"])
        assert retried.exit_code == 0 and "1 story(ies) owed a translation enqueued" in retried.output
        assert [job.key for job in services.jobs.pending()] == [f"translate:{DEMO_ID}"]

        health = client.get("/healthz").get_json()
        assert health["queue"]["owed"] == {"stories": 1, "uncovered": 0, "uncovered_seconds": 0.0}
        assert health["status"] == "ok", "covered by a queued job again"
        assert "0 owed a translation with no job (1 owed in all)" in app.test_cli_runner().invoke(args=["jobs"]).output
        bad = app.test_cli_runner().invoke(args=["jobs", "retry", "--owed", "--all"])
        assert bad.exit_code != 0 and "--owed takes no job names and no --all" in bad.output
    finally:
        services.jobs.close()
        services.store.dispose()


def test_a_story_a_live_worker_is_translating_is_covered_and_its_row_goes_when_the_job_settles(settings,
                                                                                             install_models):
    app = make_app(settings)
    install_models(app, "en_ko")
    runtime = WorkerRuntime(settings)
    try:
        assert runtime.heartbeat() is True
        with runtime.store.transaction() as session:
            job_started(session, runtime.identity.id, DEMO_ID)      # what a job records as it starts
        owed = owed_work(settings, runtime.store, runtime.jobs)
        assert owed.stories == 1 and owed.uncovered == [], "running on a live worker: covered"
        runtime.jobs.translate([DEMO_ID])
        drain(runtime)                                               # the real job: starts, settles
        with runtime.store.reading() as session:
            assert running_stories(session, dt.timedelta(seconds=30)) == set()
        assert owed_work(settings, runtime.store, runtime.jobs).stories == 0
    finally:
        runtime.close()
        app.extensions["kakehashi"].store.dispose()
