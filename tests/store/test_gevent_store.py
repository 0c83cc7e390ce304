"""The store under gevent, as the serving workers run it (gunicorn.conf.py): a query waiting on
PostgreSQL lets other requests run (psycopg 3 cooperates with gevent by itself), and many
greenlets reading and writing SQLite at once all finish.

Each case runs in a fresh interpreter, monkey-patched first as gunicorn's gevent worker does.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support.postgres_server import PostgresServer
from support.server import server_env

PREAMBLE = """
from gevent import monkey
monkey.patch_all()
import json, sys, time
import gevent
from service.store import make_store
from service.store.migrate import upgrade
"""

POSTGRES = PREAMBLE + """
url = sys.argv[1]
store = make_store(url)
def nap():
    with store.reading() as session:
        session.connection().exec_driver_sql("SELECT pg_sleep(0.5)")
nap()  # connect once
started = time.monotonic()
gevent.joinall([gevent.spawn(nap) for _ in range(4)], raise_error=True)
print(json.dumps({"seconds": time.monotonic() - started}))
"""

SQLITE = PREAMBLE + """
import datetime as dt
from service.core.domain import Snippet
from service.usecases.stories import StoryInput, create_story, get_story, replace_story
url = sys.argv[1]
upgrade(url)
store = make_store(url)
def story(n, text):
    return StoryInput(id=f"s{n}", published=dt.date(2025, 9, 1), title=None,
                      snippets=[Snippet(lang="en", kind="paragraph", attribution="Wire", text=text)])
def work(n):
    create_story(store, story(n, "Officials met on Monday. They discussed tariffs."))
    for _ in range(5):
        replace_story(store, story(n, f"Officials met again. Round {_} of the talks."))
        assert get_story(store, f"s{n}") is not None
        gevent.sleep(0)
started = time.monotonic()
gevent.joinall([gevent.spawn(work, n) for n in range(30)], raise_error=True, timeout=60)
print(json.dumps({"seconds": time.monotonic() - started,
                  "stories": sum(get_story(store, f"s{n}") is not None for n in range(30))}))
"""


def run_patched(script: str, arg: str, settings) -> dict:
    done = subprocess.run([sys.executable, "-c", script, arg], env=server_env(settings, 0),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def postgres():
    server = PostgresServer()
    yield server
    server.stop()


def test_postgres_queries_wait_cooperatively(postgres, settings):
    """Four 0.5 s queries on four greenlets take about 0.5 s, not 2 s: the hub kept running."""
    result = run_patched(POSTGRES, postgres.create_database("gevent_wait"), settings)
    print(f"\n4 x pg_sleep(0.5) on greenlets: {result['seconds']:.2f} s")
    assert result["seconds"] < 1.5, result


def test_sqlite_reads_and_writes_from_many_greenlets(settings, tmp_path):
    result = run_patched(SQLITE, f"sqlite:///{tmp_path / 'gevent.sqlite3'}", settings)
    print(f"\n30 greenlets x 6 writes and 5 reads on SQLite: {result['seconds']:.2f} s")
    assert result["stories"] == 30, result
