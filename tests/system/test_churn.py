"""No stale read and no lost write under churn (issue 25): gunicorn with two worker processes and
a real ``kakehashi worker``, while two editors PUT titles and snippets (with ``If-Match``), a
translator saves catalog files (some broken, then fixed), an operator installs and removes a
model, and two readers GET every reader route in three languages. ``support.churn`` says what is
checked. On SQLite and on PostgreSQL.

``CHURN_SECONDS`` sets how long each run churns (default 20; run it longer by hand, e.g.
``CHURN_SECONDS=120``)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from support.app import TOKEN
from support.churn import ACCESS_LOG_ARGS, Churn
from support.postgres_server import PostgresServer
from support.server import LiveServer

SECONDS = float(os.environ.get("CHURN_SECONDS", "20"))
KAKEHASHI = Path(sys.executable).parent / "kakehashi"


def churn_against(settings, mt_packages, start_worker) -> None:
    server = LiveServer(settings, env={"GUNICORN_CMD_ARGS": ACCESS_LOG_ARGS})
    worker = None
    try:
        env = {k: v for k, v in server.env.items() if k != "GUNICORN_CMD_ARGS"}
        churn = Churn(server.url, TOKEN, env, KAKEHASHI, settings.translations_dir, mt_packages.en_ko)
        for package in (mt_packages.en_ko, mt_packages.en_ja):
            installed = churn.kakehashi_command("models", "install", str(package))
            assert installed.returncode == 0, installed.stdout + installed.stderr
        worker = start_worker(settings)
        churn.run(SECONDS)
        served = churn.processes(server.output())
        report = (f"{dict(churn.stats.counts)}; checked reads per worker process: {served}; "
                  f"{churn.failures.count} failure(s)")
        print(report)
        assert churn.failures.count == 0, report + "\n" + "\n".join(churn.failures.items) + \
            "\n--- worker log ---\n" + worker.output()[-4000:]
        counts = churn.stats.counts
        assert counts["puts"] >= 3 and counts["catalog saves served"] >= 1 and counts["model commands"] >= 2, report
        assert len([pid for pid in served if pid != "?"]) >= 2, f"reads reached one worker process only: {report}"
    finally:
        if worker is not None:
            worker.stop(timeout=15)
        server.stop()


@pytest.mark.timeout(SECONDS * 3 + 240)
def test_churn_on_sqlite(settings, mt_packages, start_worker):
    churn_against(settings, mt_packages, start_worker)


@pytest.mark.timeout(SECONDS * 3 + 300)
def test_churn_on_postgresql(settings, mt_packages, start_worker):
    postgres = PostgresServer()
    try:
        churn_against(settings.with_overrides(database_url=postgres.create_database("churn")), mt_packages,
                      start_worker)
    finally:
        postgres.stop()
