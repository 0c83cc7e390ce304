"""Live reload across processes, simulated by two stores (two engines) on one SQLite file.

The real thing, a gunicorn server with two workers, is in test_catalogs_app.py."""
from __future__ import annotations

import os
import time

import polib
import pytest
from catalog_fixtures import DEMO_FIELDS, ko_po

from service.catalogs.export import export_catalogs
from service.catalogs.lookup import StoredHumanTranslations
from service.catalogs.watcher import CatalogWatcher
from service.config import Settings
from service.store import make_store

TITLE = DEMO_FIELDS[0][2]
KEY = ("visit/title", TITLE)


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def workers(demo_store, catalog_dir, tmp_path):
    """Two 'worker processes': each its own engine and watcher on the same database file."""
    settings = Settings(instance_dir=tmp_path / "instance", translations_dir=catalog_dir,
                        database_url=str(demo_store.engine.url), catalog_poll_seconds=2)
    other = make_store(settings.database_url)
    clock = Clock()
    first, second = CatalogWatcher(settings, demo_store, clock), CatalogWatcher(settings, other, clock)
    export_catalogs(demo_store, catalog_dir)
    yield first, second, clock
    other.engine.dispose()


def save_title(path, text, fuzzy=False):
    po = polib.pofile(str(path))
    entry = po.find(TITLE, msgctxt="visit/title")
    entry.msgstr = text
    entry.flags = ["fuzzy"] if fuzzy else []
    po.save()


def reload(watcher) -> list:
    watcher.maybe_reload()
    return watcher.last_reports


def test_saved_catalog_is_served_by_every_worker(workers, catalog_dir):
    first, second, clock = workers
    assert first.maybe_reload() is None, "usable as a before_request hook"
    second.maybe_reload()
    save_title(ko_po(catalog_dir), "이재명, 첫 일본 방문")
    assert reload(first) == [], "within the poll interval nothing is checked"
    clock.now += 2
    reports = reload(first)
    assert [r.added for r in reports] == [1]
    assert reload(second) == [], "the other worker sees it was imported already"
    for watcher in (first, second):
        assert StoredHumanTranslations(watcher.store).lookup("ko", {KEY}) == {KEY: "이재명, 첫 일본 방문"}
    status = {s["file"]: s for s in second.status()}
    assert status["ko/LC_MESSAGES/content.po"]["ok"] and status["ko/LC_MESSAGES/content.po"]["current"]


def test_broken_save_keeps_last_good_and_reports_where(workers, catalog_dir):
    first, second, clock = workers
    save_title(ko_po(catalog_dir), "좋은 번역")
    first.maybe_reload()
    text = ko_po(catalog_dir).read_text(encoding="utf-8")
    ko_po(catalog_dir).write_text(text.replace('msgstr "좋은 번역"', 'msgstr "고장난'), encoding="utf-8")
    clock.now += 5
    assert reload(first) == []
    assert StoredHumanTranslations(second.store).lookup("ko", {KEY}) == {KEY: "좋은 번역"}
    broken = [s for s in second.status() if not s["ok"]]
    line = text.split("\n").index('msgstr "좋은 번역"') + 1
    assert [s["error"] for s in broken] == [f"{ko_po(catalog_dir)}:{line}: expected one string in double quotes"]
    save_title_text = text.replace('msgstr "좋은 번역"', 'msgstr "고친 번역"')
    ko_po(catalog_dir).write_text(save_title_text, encoding="utf-8")
    clock.now += 5
    second.maybe_reload()
    assert StoredHumanTranslations(first.store).lookup("ko", {KEY}) == {KEY: "고친 번역"}
    assert all(s["ok"] for s in first.status())


def test_a_file_changing_while_read_is_left_for_the_next_poll(workers, catalog_dir, monkeypatch):
    first, _, clock = workers
    save_title(ko_po(catalog_dir), "반쯤 쓴")
    path = ko_po(catalog_dir)
    original = type(path).read_bytes

    def read_while_writing(self):
        data = original(self)
        os.utime(self, ns=(time.time_ns(), time.time_ns() + 1_000_000))   # the writer goes on
        return data[: len(data) // 2]

    monkeypatch.setattr(type(path), "read_bytes", read_while_writing)
    clock.now += 5
    assert reload(first) == [] and first.status() == []
    monkeypatch.undo()
    clock.now += 5
    assert [r.added for r in reload(first) if r.lang == "ko"] == [1]


def test_the_daemon_thread_polls_by_itself(workers, catalog_dir):
    first, second, clock = workers
    first.clock = time.monotonic
    first.interval = 0.1
    first.start()
    try:
        save_title(ko_po(catalog_dir), "스레드")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not StoredHumanTranslations(second.store).lookup("ko", {KEY}):
            time.sleep(0.05)
        assert StoredHumanTranslations(second.store).lookup("ko", {KEY}) == {KEY: "스레드"}
    finally:
        first.stop()


def test_store_not_ready_does_not_break_requests(tmp_path, catalog_dir):
    settings = Settings(instance_dir=tmp_path / "i", translations_dir=catalog_dir, catalog_poll_seconds=0)
    empty = make_store(f"sqlite:///{tmp_path}/empty.sqlite3")
    (catalog_dir / "ko" / "LC_MESSAGES").mkdir(parents=True)
    ko_po(catalog_dir).write_text('msgid ""\nmsgstr "Language: ko\\n"\n', encoding="utf-8")
    watcher = CatalogWatcher(settings, empty)
    assert reload(watcher) == [] and watcher.status() == []
    empty.engine.dispose()
