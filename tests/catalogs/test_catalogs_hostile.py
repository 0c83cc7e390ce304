"""Hostile and careless catalog files (issue 9): real files, real SQLite, through the Flask test
client, the CLI and the watcher. Nothing of a refused file reaches /healthz, the store or the
log; nothing blocks; the last good import stays served; a fixed file clears its error."""
from __future__ import annotations

import json
import logging
import os
import shutil
import threading
import time
import tracemalloc

import polib
import pytest
from sqlalchemy import func, select, text

from service.catalogs import CatalogError, CatalogLimits, legacy_path
from service.catalogs.export import export_catalogs
from service.catalogs.importer import import_file
from service.catalogs.pofile import Entry, PoFile, render
from service.store import Base, HumanTranslationRow
from support.app import DEMO_ID, TOKEN, make_app
from support.catalog_fixtures import import_catalog, msgfmt_check, story_file

SECRET = "root:x:0:0:SECRET-LINE-7f3a:/root:/bin/bash"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
KEY = f"ko/LC_MESSAGES/content/2025-08/{DEMO_ID}.po"
HEADER = [("Project-Id-Version", "Kakehashi content"), ("PO-Revision-Date", "2025-09-01 09:00+0000"),
          ("Last-Translator", ""), ("Language-Team", "Korean"), ("Language", "ko"),
          ("Plural-Forms", "nplurals=1; plural=0;"), ("MIME-Version", "1.0"),
          ("Content-Type", "text/plain; charset=UTF-8"), ("Content-Transfer-Encoding", "8bit")]


def svc(app):
    return app.extensions["kakehashi"]


def ko_catalog(app):
    return story_file(app.config["KAKEHASHI"].translations_dir, "ko", DEMO_ID)


def watch(app) -> list:
    return svc(app).catalog_watcher.check_now()


def exported(app, runner):
    result = runner.invoke(args=["catalog", "export", "--lang", "ko"])
    assert result.exit_code == 0, result.output
    return ko_catalog(app)


def translate_title(path, text="방일 제목"):
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgctxt == f"{DEMO_ID}/title")
    entry.msgstr, entry.flags = text, []
    po.save()
    return entry.msgid


def humans(app) -> dict:
    with svc(app).store.reading() as session:
        return {(r.context, r.source_text): r.text for r in session.scalars(select(HumanTranslationRow))}


def store_dump(app) -> str:
    """Every row of every table, as text: what a leak into the store would show up in."""
    with svc(app).store.reading() as session:
        return "\n".join(repr(row) for table in Base.metadata.sorted_tables
                         for row in session.execute(select(table)))


def health(client, headers=None):
    response = client.get("/healthz", headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert len(response.get_data()) < 4096, "/healthz stays small whatever is on disk"
    return response.get_json()


def catalog_text(entries: list[tuple[str, str, str]]) -> bytes:
    """A ko catalog with (msgctxt, msgid, msgstr) entries, as the tool writes them."""
    return render(PoFile(header=HEADER, entries=[Entry(msgid=i, msgstr=s, context=c) for c, i, s in entries]))


# --- symlinks ---------------------------------------------------------------------------------

def test_a_symlink_to_a_secret_is_refused_and_nothing_of_it_leaks(app, runner, client, tmp_path, caplog):
    path = exported(app, runner)
    title = translate_title(path)
    assert runner.invoke(args=["catalog", "import", "--lang", "ko"]).exit_code == 0
    secret = tmp_path / "passwd"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    path.unlink()
    path.symlink_to(secret)
    caplog.set_level(logging.DEBUG)

    assert [r for r in watch(app) if r.lang == "ko"] == []
    result = runner.invoke(args=["catalog", "import", "--lang", "ko"])
    assert result.exit_code != 0 and "symbolic link" in result.output
    for shown in (json.dumps(health(client)), json.dumps(health(client, AUTH)), store_dump(app),
                  caplog.text, result.output):
        assert "SECRET-LINE" not in shown and str(secret) not in shown
    details = health(client, AUTH)["catalogs"]["files"]
    assert [(c["file"], c["ok"], c["error"]) for c in details if c["lang"] == "ko"] == [
        (KEY, False, f"{KEY}:0: {DEMO_ID}.po is a symbolic link; catalogs are read only from regular files inside "
                     "the catalogs folder (replace the link with the file itself)")]
    assert humans(app)[(f"{DEMO_ID}/title", title)] == "방일 제목", "the last good import stays served"
    assert secret.read_text(encoding="utf-8") == SECRET + "\n"


def test_a_symlinked_language_folder_is_refused_too(app, runner, tmp_path):
    path = exported(app, runner)
    outside = tmp_path / "elsewhere"
    (outside / "2025-08").mkdir(parents=True)
    (outside / "2025-08" / path.name).write_bytes(path.read_bytes())
    folder = path.parent.parent                    # ko/LC_MESSAGES/content
    shutil.rmtree(folder)
    folder.symlink_to(outside)
    with pytest.raises(CatalogError, match=r":0: content is a symbolic link"):
        import_catalog(svc(app).store, app.config["KAKEHASHI"].translations_dir, "ko", DEMO_ID)


def test_export_leaves_a_symlinked_catalog_alone(app, runner, tmp_path):
    path = exported(app, runner)
    secret = tmp_path / "passwd"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    path.unlink()
    path.symlink_to(secret)
    result = runner.invoke(args=["catalog", "export", "--lang", "ko", "--check-files"])
    assert result.exit_code != 0 and "symbolic link" in result.output and "SECRET-LINE" not in result.output
    assert path.is_symlink() and secret.read_text(encoding="utf-8") == SECRET + "\n"


# --- a fixed file clears its error --------------------------------------------------------------

def test_a_fixed_file_clears_its_error(app, runner, client, tmp_path):
    path = exported(app, runner)
    good = path.read_bytes()
    secret = tmp_path / "passwd"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    path.unlink()
    path.symlink_to(secret)
    watch(app)
    assert health(client)["status"] == "degraded" and health(client)["catalogs"] == {"ok": 0, "broken": 1}

    path.unlink()
    path.write_bytes(good)                         # the real file again
    watch(app)
    assert health(client)["status"] == "ok" and health(client)["catalogs"] == {"ok": 1, "broken": 0}
    assert health(client, AUTH)["catalogs"]["files"] == [], "only broken files are listed"

    path.write_text("junk\n", encoding="utf-8")    # broken again, then removed: not broken any more
    watch(app)
    assert health(client)["status"] == "degraded"
    path.unlink()
    watch(app)
    assert health(client)["status"] == "ok"


def test_a_huge_error_recorded_by_an_older_version_is_replaced(app, runner, client):
    from service.catalogs.importer import fingerprint_of, record_state

    path = exported(app, runner)
    path.write_text("junk\n", encoding="utf-8")
    with svc(app).store.transaction() as session:
        record_state(session, KEY, fingerprint_of(path), False, f"{KEY}:1: junk " + "A" * 1_000_000, {})
    watch(app)
    assert len(store_dump(app)) < 20_000
    assert health(client, AUTH)["catalogs"]["files"][0]["error"] == f"{KEY}:1: unknown keyword 'junk'"


# --- size and shape ------------------------------------------------------------------------------

@pytest.mark.parametrize("limit, reason", [(None, ":0: is 52,428,809 bytes, over the limit of 33,554,432"),
                                           (64 * 1024 * 1024, ":1: line longer than ")],
                         ids=["default-limit", "raised-limit"])
def test_a_50_mb_one_line_junk_file_gives_a_short_error_and_a_small_healthz(settings, caplog, limit, reason):
    app = make_app(settings.with_overrides(max_catalog_bytes=limit) if limit else settings)
    try:
        client, runner = app.test_client(), app.test_cli_runner()
        path = exported(app, runner)
        with open(path, "wb") as handle:
            handle.write(b'msgid "' + b"A" * (50 * 1024 * 1024) + b'"\n')
        caplog.set_level(logging.DEBUG)
        watch(app)
        details = health(client, AUTH)["catalogs"]["files"]
        error = next(c["error"] for c in details if c["lang"] == "ko")
        assert error.startswith(f"{KEY}{reason}") and len(error) < 300
        assert health(client)["status"] == "degraded"
        assert len(store_dump(app)) < 20_000, "the store does not grow with the file"
        assert len(caplog.text) < 5_000 and "AAAAAAAAAA" not in caplog.text
        result = runner.invoke(args=["catalog", "import", "--lang", "ko"])
        assert result.exit_code != 0 and len(result.output) < 1_000 and reason in result.output
    finally:
        svc(app).store.dispose()


def test_an_oversized_file_is_refused_before_it_is_read(app, runner, settings):
    path = exported(app, runner)
    path.write_bytes(b"\x00junk that would be a syntax error at line 1 if it were read\n" * 100)
    small = make_app(settings.with_overrides(max_catalog_bytes=2000), demo=False)    # same store and folder
    try:
        result = small.test_cli_runner().invoke(args=["catalog", "import", "--lang", "ko"])
        assert result.exit_code != 0
        assert f"{path}:0: is 6,100 bytes, over the limit of 2,000 (KAKEHASHI_MAX_CATALOG_BYTES)" in result.output
    finally:
        svc(small).store.dispose()


def test_too_many_entries_are_refused(app, runner):
    path = exported(app, runner)
    path.write_bytes(catalog_text([(f"{DEMO_ID}/point", f"point {n}", f"요점 {n}") for n in range(5)]))
    directory = app.config["KAKEHASHI"].translations_dir
    with pytest.raises(CatalogError) as caught:
        import_catalog(svc(app).store, directory, "ko", DEMO_ID, limits=CatalogLimits(max_entries=3))
    lines = path.read_text(encoding="utf-8").split("\n")
    assert caught.value.first.line == lines.index('msgid "point 3"') + 1
    assert "more than 3 entries (KAKEHASHI_MAX_CATALOG_ENTRIES)" in caught.value.first.reason
    assert humans(app) == {}
    assert import_catalog(svc(app).store, directory, "ko", DEMO_ID, limits=CatalogLimits(max_entries=5)).added == 5


def test_a_msgstr_over_the_api_limits_is_refused(app, runner, settings):
    """Twice the API's limit for the field: a title's translation by max_title_chars, any other
    field's by max_snippet_chars."""
    directory = app.config["KAKEHASHI"].translations_dir
    path = exported(app, runner)
    limits = CatalogLimits.from_settings(settings.with_overrides(max_title_chars=10, max_snippet_chars=50))
    path.write_bytes(catalog_text([(f"{DEMO_ID}/title", "Title", "가" * 20), (f"{DEMO_ID}/point", "Point", "나" * 100)]))
    assert import_catalog(svc(app).store, directory, "ko", DEMO_ID, limits=limits).added == 2, "at the limits"
    for context, msgstr in ((f"{DEMO_ID}/title", "가" * 21), (f"{DEMO_ID}/point", "나" * 101)):
        path.write_bytes(catalog_text([(context, "Text", msgstr)]))
        with pytest.raises(CatalogError) as caught:
            import_catalog(svc(app).store, directory, "ko", DEMO_ID, limits=limits)
        line = path.read_text(encoding="utf-8").split("\n").index(f'msgstr "{msgstr}"') + 1
        assert str(caught.value).startswith(f"{path}:{line}: msgstr is longer than {len(msgstr) - 1:,} characters")
        assert msgstr not in str(caught.value)


# --- control characters ---------------------------------------------------------------------------

CONTROLS = {"NUL escaped": ('"제목\\0"', "U+0000"), "ESC escaped": ('"\\x1b[31m제목"', "U+001B"),
            "ESC raw": ('"\x1b[31m제목"', "U+001B"), "C1 raw": ('"제목\u0085"', "U+0085"),
            "DEL raw": ('"제목\x7f"', "U+007F"), "RLO raw": ('"\u202e제목"', "U+202E"),
            "LRI raw": ('"제목\u2066"', "U+2066"),
            "on a continuation line": ('""\n"첫 줄 "\n"\\x9b둘째"', "U+009B")}


@pytest.mark.parametrize("case", sorted(CONTROLS))
def test_control_characters_in_msgstr_are_refused_with_file_and_line(app, runner, client, case):
    path = exported(app, runner)
    title = translate_title(path, "좋은 제목")
    watch(app)
    quoted, code = CONTROLS[case]
    text = path.read_text(encoding="utf-8").replace('msgstr "좋은 제목"', f"msgstr {quoted}")
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["catalog", "import", "--lang", "ko"])
    line = next(n for n, raw in enumerate(text.split("\n"), 1) if code == "U+009B" and "둘째" in raw
                or code != "U+009B" and raw.startswith("msgstr") and "제목" in raw)
    assert result.exit_code != 0
    assert f"{path}:{line}: msgstr holds the control or bidi-override character {code}, which the API refuses too" in result.output
    assert humans(app)[(f"{DEMO_ID}/title", title)] == "좋은 제목"
    tab = text.replace(f"msgstr {quoted}", 'msgstr "제목\\t탭\\r\\n줄"')
    path.write_text(tab, encoding="utf-8")
    assert runner.invoke(args=["catalog", "import", "--lang", "ko"]).exit_code == 0, "tab and newlines (CR too, as in the API) are fine"


def test_the_api_and_the_importer_refuse_exactly_the_same_characters():
    """One rule (``service.core.textrules``): CR, LF, tab, every C0 and C1 control, DEL and every bidi
    embedding, override and isolate, judged the same by the API's snippet check and the catalog's."""
    from service.catalogs.parse import control_character_reason
    from service.core.textrules import problem

    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A),
                 0x200E, 0x200F, 0x061C]:
        text = f"제목{chr(code)}끝"
        assert (problem(text) is None) == (control_character_reason(text) is None), f"U+{code:04X}"
    assert control_character_reason("a\r\nb") is None and control_character_reason("a\u202eb") is not None


# --- FIFOs never block ---------------------------------------------------------------------------

def finishes(call, timeout=10.0):
    """Run ``call`` in a thread; True if it returned within ``timeout`` (a blocked open never does)."""
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(_run(call)), daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(outcome), (outcome or [None])[0]


def _run(call):
    try:
        return call()
    except Exception as error:  # noqa: BLE001 - returned for the assertion
        return error


def test_a_fifo_in_place_of_a_catalog_never_blocks(app, runner, client):
    path = exported(app, runner)
    path.unlink()
    os.mkfifo(path)
    try:
        done, _ = finishes(lambda: watch(app))
        assert done, "the watcher returned"
        done, error = finishes(lambda: import_catalog(svc(app).store, app.config["KAKEHASHI"].translations_dir, "ko",
                                                      DEMO_ID))
        assert done and isinstance(error, CatalogError) and "not a regular file" in str(error)
        done, response = finishes(lambda: client.get("/healthz", headers=AUTH))
        assert done and response.get_json()["status"] == "degraded"
        done, error = finishes(lambda: export_catalogs(svc(app).store, app.config["KAKEHASHI"].translations_dir, ["ko"],
                                                       check_files=True))
        assert done and isinstance(error, CatalogError) and "not a regular file" in str(error)
    finally:
        # a writer that shows up unblocks any reader left behind, so a failing test cannot hang
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK) if _has_reader(path) else None
        if fd is not None:
            os.close(fd)


def _has_reader(path) -> bool:
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        return True
    except OSError:
        return False


# --- /healthz -------------------------------------------------------------------------------------

def test_healthz_shows_catalog_details_only_with_a_token(app, runner, client):
    path = exported(app, runner)
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "x"\nmsgstr "y\n', encoding="utf-8")
    watch(app)
    public = health(client)
    assert public["status"] == "degraded" and public["catalogs"] == {"ok": 0, "broken": 1}
    assert DEMO_ID not in json.dumps(public) and "expected" not in json.dumps(public)
    detailed = health(client, AUTH)
    ko = next(c for c in detailed["catalogs"]["files"] if c["lang"] == "ko")
    assert ko["file"] == KEY and ko["error"].endswith("expected one string in double quotes") and ko["problems"] == 1
    wrong = client.get("/healthz", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "unauthorized"
    assert DEMO_ID not in wrong.get_data(as_text=True)
    document = client.get("/api/v1/openapi.json").get_json()["paths"]["/healthz"]["get"]
    assert "Bearer" in document["description"] and "401" in document["responses"]


def test_healthz_stays_small_with_every_catalog_broken(app, client):
    directory = app.config["KAKEHASHI"].translations_dir
    for lang in ("en", "ko", "ja"):
        path = story_file(directory, lang, DEMO_ID)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"".join(b'msgid "%d' % n + b"\xe2\x80\x94" * 3000 + b'"\n' for n in range(500)))
    watch(app)
    assert health(client, AUTH)["catalogs"]["broken"] == 3


# --- off the request path ------------------------------------------------------------------------

def test_no_request_and_no_cli_run_starts_the_watcher(app, runner, client):
    exported(app, runner)
    client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko")
    client.get("/healthz")
    assert "kakehashi-catalog-watcher" not in {t.name for t in threading.enumerate()}


def test_the_watcher_thread_picks_up_a_save(app, runner, client):
    path = exported(app, runner)
    watcher = svc(app).catalog_watcher
    try:
        assert watcher.start() is True and watcher.start() is False, "once per process"
        assert "kakehashi-catalog-watcher" in {t.name for t in threading.enumerate()}
        translate_title(path, "스레드가 가져온 제목")
        deadline = time.monotonic() + 20
        while "스레드가 가져온 제목" not in humans(app).values() and time.monotonic() < deadline:
            time.sleep(0.1)
        body = client.get(f"/api/v1/stories/{DEMO_ID}?lang=ko").get_json()
        assert body["title"]["text"] == "스레드가 가져온 제목" and body["title"]["provenance"] == "human"
    finally:
        watcher.stop()
    assert "kakehashi-catalog-watcher" not in {t.name for t in threading.enumerate()}


# --- a large valid catalog -----------------------------------------------------------------------

def big_catalog(path, entries: int, text_chars: int = 900):
    """A valid ko catalog of ``entries`` reviewed entries, each about ``text_chars`` long: a
    legacy ``content.po`` of many stories, the one kind of catalog file that can be large."""
    body = "보" * (text_chars // 3)
    with open(path, "wb") as handle:
        handle.write(render(PoFile(header=HEADER)))
        for n in range(entries):
            handle.write(f'\nmsgctxt "big-{n // 5}/point"\nmsgid "Point {n} of a long story."\n'
                         f'msgstr "요점 {n} {body}"\n'.encode("utf-8"))
    return os.path.getsize(path)


def peak_import(store, directory) -> tuple:
    tracemalloc.start()
    try:
        report = import_file(store, directory, legacy_path(directory, "ko"))
        return report, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_valid_catalog_is_imported_streaming_in_bounded_memory(demo_store, catalog_dir, tmp_path):
    """Five times the file, about the same peak: the file is never held whole (which alone
    would add its size to the peak)."""
    path = legacy_path(catalog_dir, "ko")
    path.parent.mkdir(parents=True)
    small_size = big_catalog(path, 1000)
    small, small_peak = peak_import(demo_store, catalog_dir)
    size = big_catalog(path, 5000)
    report, peak = peak_import(demo_store, catalog_dir)
    assert size > 4_500_000 and (small.added, report.added, report.unchanged) == (1000, 4000, 1000)
    assert peak - small_peak < (size - small_size) / 4, \
        f"peak {small_peak:,} -> {peak:,} bytes while the file grew {small_size:,} -> {size:,}"
    with demo_store.reading() as session:
        assert session.scalar(select(func.count()).select_from(HumanTranslationRow)) == 5000
    msgfmt_check(path)


def test_readers_only_ever_see_a_completed_import(demo_store, catalog_dir):
    path = legacy_path(catalog_dir, "ko")
    path.parent.mkdir(parents=True)
    big_catalog(path, 3000, text_chars=300)
    seen = set()
    done = threading.Event()

    def read_counts():
        while not done.is_set():
            with demo_store.reading() as session:
                seen.add(session.scalar(text("SELECT count(*) FROM human_translations")))
            time.sleep(0.005)

    reader = threading.Thread(target=read_counts, daemon=True)
    reader.start()
    try:
        import_file(demo_store, catalog_dir, path)
    finally:
        done.set()
        reader.join(10)
    assert seen <= {0, 3000} and seen, f"a reader saw a half-done import: {sorted(seen)}"
