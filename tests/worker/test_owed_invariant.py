"""Property: every field a reader is shown as pending has a job, whatever the order of model
installs and removals, story writes, catalog imports that withdraw a human translation and worker
restarts (a clean stop or a kill mid-job). Run against a real ``kakehashi worker`` whose periodic
sweep is far away (10 min), so only the re-checks those events trigger can keep the invariant.

After each step, within a bounded wait, no field is pending any more (each was translated by
the job that covered it) and ``/healthz`` counts no owed story without a job.
"""
from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import polib
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from service.core.config import Settings
from support.app import DEMO_ID, TOKEN, make_app
from support.queue_fixtures import WorkerProcess, wait_for

PAIRS = ("en_ko", "en_ja", "ja_en")
SENTENCES = ["Ministers met in Seoul on Tuesday.", "They agreed to meet again in spring.",
             "Trade and security were on the agenda.", "Both sides called the talks useful."]
JA_SENTENCES = ["両首脳は東京で会談した。", "協力を強化することで一致した。"]
SETTLE_SECONDS = 45          # the bounded wait after each step
FAR_AWAY = "600"             # the periodic sweep: never within a run


def story(n: int, edit: int) -> dict:
    english = " ".join(f"{s[:-1]} (story {n}, edit {edit})." for s in SENTENCES[: 2 + n % 3])
    return {"id": f"owed-{n}", "published": f"2025-10-{1 + n:02d}", "title": f"Talks, round {n}, edit {edit}",
            "snippets": [{"lang": "en", "kind": "paragraph", "attribution": "Wire", "text": english},
                         {"lang": "ja", "kind": "quote", "attribution": "NHK", "text": JA_SENTENCES[n % 2]}]}


class OwedWork(RuleBasedStateMachine):
    template: Path           # the session's compiled catalogs (set by the test)
    packages: object         # mt_packages

    @initialize()
    def start(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="owed-life-"))
        translations = self.tmp / "translations"
        shutil.copytree(self.template, translations)
        self.settings = Settings(instance_dir=self.tmp / "instance", translations_dir=translations,
                                 api_tokens=(TOKEN,), mt_background=True, catalog_poll_seconds=0,
                                 catalog_settle_seconds=0, mt_max_decoding_length=8, queue_sweep_seconds=600)
        self.app = make_app(self.settings)          # the demo story, enqueued by nobody: the start sweep's
        self.client, self.runner = self.app.test_client(), self.app.test_cli_runner()
        self.installed: set[str] = set()
        self.stories = {DEMO_ID}
        self.edits = 0
        self.worker = self._start_worker()

    def _start_worker(self) -> WorkerProcess:
        worker = WorkerProcess(self.settings, env={"KAKEHASHI_QUEUE_SWEEP_SECONDS": FAR_AWAY,
                                                   "KAKEHASHI_CATALOG_WATCH": "false"})
        wait_for(lambda: "consumer started" in worker.output(), timeout=60, what="the worker to start",
                 detail=worker.output)
        return worker

    def teardown(self):
        if hasattr(self, "worker"):
            self.worker.stop(timeout=15)
            self.app.extensions["kakehashi"].jobs.close()
            self.app.extensions["kakehashi"].store.dispose()
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- steps -------------------------------------------------------------------------------
    @rule(pair=st.sampled_from(PAIRS))
    def install(self, pair):
        result = self.runner.invoke(args=["models", "install", str(getattr(self.packages, pair))])
        assert result.exit_code == 0, result.output
        self.installed.add(pair)
        self._settles()

    @rule(pair=st.sampled_from(PAIRS))
    def remove(self, pair):
        if pair not in self.installed:
            return
        result = self.runner.invoke(args=["models", "remove", pair.replace("_", "-")])
        assert result.exit_code == 0, result.output
        self.installed.discard(pair)
        self._settles()

    @rule(n=st.integers(0, 3))
    def write(self, n):
        self.edits += 1
        body, headers = story(n, self.edits), {"Authorization": f"Bearer {TOKEN}"}
        if body["id"] in self.stories:
            assert self.client.put(f"/api/v1/stories/{body['id']}", json=body, headers=headers).status_code == 200
        else:
            assert self.client.post("/api/v1/stories", json=body, headers=headers).status_code == 201
        self.stories.add(body["id"])
        self._settles()

    @rule()
    def withdraw_a_human_translation(self):
        """A translator translates a field, then marks it fuzzy again: the import withdraws it."""
        assert self.runner.invoke(args=["catalog", "export", "--lang", "ko"]).exit_code == 0
        for fuzzy in (False, True):
            self._translate_first_entry(fuzzy)
            result = self.runner.invoke(args=["catalog", "import", "--lang", "ko"])
            assert result.exit_code == 0, result.output
        assert "withdrawn" in result.output, result.output
        self._settles()

    @rule(kill=st.booleans())
    def restart_worker(self, kill):
        if kill:
            self.worker.kill()                     # mid-job, maybe: the job taken off the queue is lost
        else:
            assert self.worker.stop() == 0
        self.worker = self._start_worker()
        self._settles()

    # -- the invariant -----------------------------------------------------------------------
    def _settles(self):
        """Within the bound, no field is shown as pending and no owed story lacks a job."""
        wait_for(lambda: not self._pending(), timeout=SETTLE_SECONDS, interval=0.3,
                 what="every pending field to be translated by the job covering it",
                 detail=lambda: f"pending: {self._pending()}\n{self.worker.output()}")
        health = self.client.get("/healthz").get_json()
        assert health["queue"]["owed"]["uncovered"] == 0, health["queue"]
        assert health["status"] == "ok", health

    def _pending(self) -> list[str]:
        pending = []
        for story_id in sorted(self.stories):
            for lang in ("en", "ko", "ja"):
                body = self.client.get(f"/api/v1/stories/{story_id}?lang={lang}").get_json()
                fields = [body["title"], *body["points"], *body["quotes"]]
                pending += [f"{story_id}/{lang}: {f['source_text'][:30]}" for f in fields if f.get("pending")]
        return pending

    def _translate_first_entry(self, fuzzy: bool) -> None:
        for path in sorted((self.settings.translations_dir / "ko").rglob("*.po")):
            if path.name.startswith("messages"):
                continue
            catalog = polib.pofile(str(path))
            entry = next((e for e in catalog if e.msgid and not e.obsolete), None)
            if entry is None:
                continue
            entry.msgstr = "번역자의 문장입니다."
            entry.flags = ["fuzzy"] if fuzzy else [flag for flag in entry.flags if flag != "fuzzy"]
            catalog.save()
            time.sleep(0.01)
            return
        raise AssertionError("the export wrote no content catalog for ko")


def test_every_pending_field_has_a_job_whatever_happens(compiled_translations, mt_packages):
    OwedWork.template, OwedWork.packages = compiled_translations, mt_packages
    run_state_machine_as_test(OwedWork, settings=hypothesis_settings(
        max_examples=6, stateful_step_count=12, deadline=None, derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
