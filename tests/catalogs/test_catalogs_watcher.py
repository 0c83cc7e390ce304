"""Live reload across processes, simulated by two stores (two engines) on one SQLite file.

The real thing, a gunicorn server with two workers, is in test_catalogs_app.py."""
from __future__ import annotations

import os
import time

import polib
import pytest

from service.catalogs.export import export_catalogs
from service.catalogs.importer import record_state
from service.catalogs.watcher import CatalogWatcher
from service.core.config import Settings
from service.store import make_store
from service.store.translations import StoredHumanTranslations
from support.catalog_fixtures import DEMO_FIELDS, ko_po

TITLE = DEMO_FIELDS[0][2]
KEY = ("visit/title", TITLE)
FILE = "ko/LC_MESSAGES/content/2025-08/visit.po"
NO_STATUS = {"ok": 0, "broken": 0, "files": []}


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
    first, second = (CatalogWatcher(settings, store, clock, settle_seconds=0) for store in (demo_store, other))
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
    status = second.status()
    assert status["broken"] == 0 and status["ok"] >= 1 and status["files"] == []
    assert not first.running and not second.running, "no thread unless start() is called"


def test_polling_runs_in_a_thread_once_started_and_until_stopped(workers):
    first, _second, _clock = workers
    assert not first.running
    assert first.start() is True and first.running
    assert first.start() is False, "once per process"
    first.stop()
    assert not first.running


def test_broken_save_keeps_last_good_and_reports_where(workers, catalog_dir):
    first, second, clock = workers
    save_title(ko_po(catalog_dir), "좋은 번역")
    first.maybe_reload()
    text = ko_po(catalog_dir).read_text(encoding="utf-8")
    ko_po(catalog_dir).write_text(text.replace('msgstr "좋은 번역"', 'msgstr "고장난'), encoding="utf-8")
    clock.now += 5
    assert reload(first) == []
    assert StoredHumanTranslations(second.store).lookup("ko", {KEY}) == {KEY: "좋은 번역"}
    broken = second.status()["files"]
    line = text.split("\n").index('msgstr "좋은 번역"') + 1
    assert [(s["file"], s["error"]) for s in broken] == [
        (FILE, f"{FILE}:{line}: expected one string in double quotes")], \
        "relative to the catalogs folder: /healthz does not show where the service is installed"
    save_title_text = text.replace('msgstr "좋은 번역"', 'msgstr "고친 번역"')
    ko_po(catalog_dir).write_text(save_title_text, encoding="utf-8")
    clock.now += 5
    second.maybe_reload()
    assert StoredHumanTranslations(first.store).lookup("ko", {KEY}) == {KEY: "고친 번역"}
    assert first.status()["broken"] == 0


def test_a_file_changing_while_read_is_left_for_the_next_poll(workers, catalog_dir, monkeypatch):
    """An in-place save while the import reads the file: nothing of it is taken (the one
    transaction is rolled back), nothing is recorded, and the next poll reads it again."""
    from service.catalogs import importer

    first, _, clock = workers
    save_title(ko_po(catalog_dir), "반쯤 쓴")
    path = ko_po(catalog_dir)
    original = importer.CatalogReader

    class ReadWhileWriting(original):
        def entries(self):
            yield from super().entries()
            if self.path == str(path):
                os.utime(path, ns=(time.time_ns(), time.time_ns() + 1_000_000))   # the writer goes on

    monkeypatch.setattr(importer, "CatalogReader", ReadWhileWriting)
    clock.now += 5
    assert ko_reports(first) == [] and first.status()["files"] == [], "nothing recorded for the file"
    assert StoredHumanTranslations(first.store).lookup("ko", {KEY}) == {}
    monkeypatch.undo()
    clock.now += 5
    assert [r.added for r in ko_reports(first)] == [1]


def test_store_not_ready_does_not_break_requests(tmp_path, catalog_dir):
    settings = Settings(instance_dir=tmp_path / "i", translations_dir=catalog_dir, catalog_poll_seconds=0)
    empty = make_store(f"sqlite:///{tmp_path}/empty.sqlite3")
    ko_po(catalog_dir).parent.mkdir(parents=True)
    ko_po(catalog_dir).write_text('msgid ""\nmsgstr "Language: ko\\n"\n', encoding="utf-8")
    watcher = CatalogWatcher(settings, empty)
    assert reload(watcher) == [] and watcher.status() == NO_STATUS
    empty.engine.dispose()


def test_status_never_shows_an_absolute_path(workers, catalog_dir):
    """A state recorded before paths were relative (or by a process reaching the folder by
    another path) is shown relative too."""
    first, _, _ = workers
    with first.store.transaction() as session:
        record_state(session, FILE, "x", False,
                     f"{catalog_dir.resolve()}/{FILE}:7: expected one string in double quotes", {})
    assert [(s["file"], s["error"]) for s in first.status()["files"]] == [
        (FILE, f"{FILE}:7: expected one string in double quotes")]


def ko_reports(watcher) -> list:
    return [report for report in reload(watcher) if report.lang == "ko"]


LONG_KO = ("이재명 대통령이 취임 후 처음으로 일본을 공식 방문해 이시바 총리와 안보와 경제 협력, 그리고 "
           "지역 정세에 대해 폭넓게 논의했으며 양국 관계의 새로운 시대를 열겠다고 밝혔다")


def half_saved(path):
    """What an editor that writes in place leaves when it pauses mid-write: the file cut at a
    line boundary inside a long (wrapped) msgstr. It parses, and the msgstr is cut short."""
    save_title(path, LONG_KO)
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index('msgstr ""', lines.index('msgctxt "visit/title"'))
    assert lines[start + 2].startswith('"'), "the translation is wrapped over several lines"
    full = path.read_bytes()
    path.write_text("\n".join(lines[: start + 2]) + "\n", encoding="utf-8")
    return full


def test_a_file_paused_mid_write_is_not_imported_until_it_settles(workers, catalog_dir):
    first, second, clock = workers
    path = ko_po(catalog_dir)
    wall = [time.time()]
    for watcher in (first, second):
        watcher.settle, watcher.wall_clock = 1.0, lambda: wall[0]
    full = half_saved(path)
    mtime = os.stat(path).st_mtime
    wall[0] = mtime + 0.5
    clock.now += 5
    assert ko_reports(first) == [] and ko_reports(second) == [], "a file written half a second ago is left alone"
    assert StoredHumanTranslations(first.store).lookup("ko", {KEY}) == {}
    path.write_bytes(full)                              # the editor finishes
    os.utime(path, (mtime + 1, mtime + 1))
    wall[0] = mtime + 1.5
    clock.now += 5
    assert ko_reports(first) == [], "still not settled"
    wall[0] = mtime + 2.5                              # settled (clear of float rounding of mtimes)
    clock.now += 5
    assert [r.added for r in ko_reports(first)] == [1]
    assert StoredHumanTranslations(second.store).lookup("ko", {KEY}) == {KEY: LONG_KO}, "the whole translation"


def test_a_file_from_the_future_settles_by_staying_unchanged(workers, catalog_dir):
    first, _, clock = workers
    first.settle = 1.0
    path = ko_po(catalog_dir)
    save_title(path, "시계가 빠른 번역")
    ahead = time.time() + 3600                         # a translator's machine with a fast clock
    os.utime(path, (ahead, ahead))
    clock.now += 5
    assert ko_reports(first) == [], "first sighting"
    first.settle = 10.0
    clock.now += 5
    assert ko_reports(first) == [], "unchanged for 5 s of the watcher's clock, not 10"
    clock.now += 5
    assert [r.added for r in ko_reports(first)] == [1]


def test_settle_time_comes_from_the_settings(tmp_path, catalog_store, catalog_dir):
    base = dict(instance_dir=tmp_path / "i", translations_dir=catalog_dir, catalog_poll_seconds=0)
    assert CatalogWatcher(Settings(**base), catalog_store).settle == Settings().catalog_settle_seconds
    assert CatalogWatcher(Settings(**base, catalog_settle_seconds=0.25), catalog_store).settle == 0.25
    assert CatalogWatcher(Settings(**base), catalog_store, settle_seconds=3).settle == 3


def test_a_store_error_behind_the_status_is_logged_once(tmp_path, catalog_dir, caplog):
    """/healthz shows no catalog then; the log says why, once, not at every probe."""
    settings = Settings(instance_dir=tmp_path / "i", translations_dir=catalog_dir, catalog_poll_seconds=0)
    empty = make_store(f"sqlite:///{tmp_path}/empty.sqlite3")       # no tables: every read fails
    watcher = CatalogWatcher(settings, empty)
    caplog.set_level("WARNING", logger="service.catalogs.watcher")
    assert watcher.status() == NO_STATUS and watcher.status() == NO_STATUS
    assert len(caplog.records) == 1 and "catalogs' states" in caplog.records[0].getMessage()
    empty.engine.dispose()


def test_a_poll_with_nothing_changed_asks_the_store_nothing(workers, catalog_dir):
    """Thousands of files cost a stat each per poll, and no query: only a file whose
    fingerprint this process has not seen is looked up."""
    from sqlalchemy import event

    first, _, clock = workers
    template = ko_po(catalog_dir).read_bytes()
    for n in range(2000):
        path = catalog_dir / "ko" / "LC_MESSAGES" / "content" / f"2024-{n % 12 + 1:02d}" / f"old-{n}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(template)
    clock.now += 5
    first.maybe_reload()                       # the first sighting: every file is looked up (and refused)
    statements = []
    event.listen(first.store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    clock.now += 5
    assert reload(first) == [] and statements == []
    save_title(ko_po(catalog_dir), "하나만 바뀜")
    clock.now += 5
    assert [r.added for r in reload(first)] == [1]


def test_a_stray_file_is_reported_and_breaks_nothing_else(workers, catalog_dir):
    first, _, clock = workers
    stray = catalog_dir / "ko" / "LC_MESSAGES" / "content" / "visit.po"
    stray.write_bytes(ko_po(catalog_dir).read_bytes())
    save_title(ko_po(catalog_dir), "제자리의 번역")
    clock.now += 5
    assert [r.added for r in reload(first)] == [1], "the real file is imported"
    status = first.status()
    assert [(s["file"], s["error"]) for s in status["files"]] == [
        ("ko/LC_MESSAGES/content/visit.po", "ko/LC_MESSAGES/content/visit.po:0: not a file of the catalogs' layout "
                                            "(expected <lang>/LC_MESSAGES/content/<YYYY-MM>/<story-id>.po); not imported")]


def test_with_file_system_events_a_poll_stats_only_what_changed(workers, catalog_dir):
    """Once started, the watcher hears inotify (watchdog) and stats only the reported files;
    a full scan still runs every ``full_scan_seconds``."""
    first, _, clock = workers
    for n in range(300):
        path = catalog_dir / "ja" / "LC_MESSAGES" / "content" / "2024-01" / f"old-{n}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    assert first.events.start()
    try:
        clock.now += 5
        first.maybe_reload()                  # the first poll scans the whole tree
        assert first.last_scanned > 300
        clock.now += 5
        assert reload(first) == [] and first.last_scanned == 0, "nothing reported, nothing stat'ed"
        save_title(ko_po(catalog_dir), "이벤트로 들어온 번역")
        deadline = time.monotonic() + 10
        reports: list = []
        while not reports and time.monotonic() < deadline:
            clock.now += 5
            reports = reload(first)
            time.sleep(0.05)
        assert [r.added for r in reports] == [1] and first.last_scanned <= 2
        first.full_scan_seconds = 0
        clock.now += 5
        reload(first)
        assert first.last_scanned > 300, "the periodic full scan"
    finally:
        first.events.stop()
