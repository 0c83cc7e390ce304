"""``import``: translators' edits (polib, Babel, raw text) taken in; broken files rejected whole."""
from __future__ import annotations

import io
import threading

import polib
import pytest
from babel.messages.pofile import read_po, write_po
from sqlalchemy import create_engine, event, select

from service.catalogs import CatalogError
from service.catalogs.export import export_catalogs
from service.core.domain import source_hash
from service.store import CatalogStateRow, HumanTranslationRow, Store
from service.store.translations import StoredHumanTranslations
from support.catalog_fixtures import DEMO_FIELDS, FakeMachine, import_catalog, ko_po, put_story, story_file

TITLE, POINT, URL_POINT, QUOTE, HEADING = (f[2] for f in DEMO_FIELDS)
KO_POINT = "이 대통령은 8월 25일 워싱턴에서 트럼프를 만나기 전 도쿄를 첫 방문지로 택했다."
KEY = "ko/LC_MESSAGES/content/2025-08/visit.po"
KO_URL_POINT = "회담은 안보 협력에 집중됐다. 보도는 https://apnews.com/article/lee-japan 참조."


def edit(path, changes: dict, fuzzy: bool = False):
    po = polib.pofile(str(path))
    for (context, msgid), text in changes.items():
        entry = po.find(msgid, msgctxt=context)
        entry.msgstr = text
        if "fuzzy" in entry.flags and not fuzzy:
            entry.flags.remove("fuzzy")
        elif fuzzy and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
    po.save()


def served(store, lang="ko"):
    keys = {(f"visit/{role}", text) for role, _, text, *_ in DEMO_FIELDS}
    return dict(StoredHumanTranslations(store).lookup(lang, keys))


@pytest.fixture
def exported(demo_store, catalog_dir):
    export_catalogs(demo_store, catalog_dir)
    return ko_po(catalog_dir)


def test_round_trip_polib_edit_is_served_as_human(demo_store, catalog_dir, exported):
    edit(exported, {("visit/point", POINT): KO_POINT, ("visit/point", URL_POINT): KO_URL_POINT})
    report = import_catalog(demo_store, catalog_dir, "ko")
    assert (report.added, report.changed, report.unchanged, report.fuzzy) == (2, 0, 0, 0)
    assert set(report.counts()) == {"added", "changed", "unchanged", "withdrawn", "kept", "fuzzy"}, \
        "only counts that can be non-zero: a file is rejected whole, with CatalogError"
    assert "rejected" not in report.summary()
    assert served(demo_store) == {("visit/point", POINT): KO_POINT, ("visit/point", URL_POINT): KO_URL_POINT}
    again = import_catalog(demo_store, catalog_dir, "ko")
    assert (again.added, again.changed, again.unchanged) == (0, 0, 2), "importing twice changes nothing"
    export_catalogs(demo_store, catalog_dir)
    assert polib.pofile(str(exported)).find(POINT, msgctxt="visit/point").msgstr == KO_POINT


def test_babel_edit_and_raw_text_edit(demo_store, catalog_dir, exported):
    catalog = read_po(io.BytesIO(exported.read_bytes()))
    catalog.get(HEADING, context="visit/heading").string = "협력과 지역 안보 재확인"
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76)
    exported.write_bytes(buffer.getvalue())
    import_catalog(demo_store, catalog_dir, "ko")

    text = exported.read_text(encoding="utf-8")
    marker = f'msgctxt "visit/title"\nmsgid "{TITLE}"\nmsgstr ""'
    assert marker in text
    exported.write_text(text.replace(marker, marker[:-2] + '"이재명, 첫 일본 방문"'), encoding="utf-8")
    report = import_catalog(demo_store, catalog_dir, "ko")
    assert report.added == 1 and report.unchanged == 1
    assert served(demo_store) == {("visit/heading", HEADING): "협력과 지역 안보 재확인",
                                  ("visit/title", TITLE): "이재명, 첫 일본 방문"}


def test_machine_suggestion_accepted_by_removing_fuzzy(demo_store, catalog_dir):
    machine = FakeMachine({("ko", "en", TITLE): ("이재명, 일본 첫 방문", "argos:en-ko:1.1")})
    export_catalogs(demo_store, catalog_dir, machine=machine)
    assert import_catalog(demo_store, catalog_dir, "ko").fuzzy == 1
    assert served(demo_store) == {}, "a fuzzy suggestion is not human"
    po = polib.pofile(str(ko_po(catalog_dir)))
    po.find(TITLE, msgctxt="visit/title").flags.remove("fuzzy")
    po.save()
    import_catalog(demo_store, catalog_dir, "ko")
    assert served(demo_store) == {("visit/title", TITLE): "이재명, 일본 첫 방문"}
    export_catalogs(demo_store, catalog_dir)
    entry = polib.pofile(str(ko_po(catalog_dir))).find(TITLE, msgctxt="visit/title")
    assert not entry.fuzzy and "machine translation" not in entry.comment


def test_marking_fuzzy_withdraws_and_a_missing_entry_keeps(demo_store, catalog_dir, exported):
    edit(exported, {("visit/point", POINT): KO_POINT, ("visit/heading", HEADING): "안보"})
    import_catalog(demo_store, catalog_dir, "ko")
    edit(exported, {("visit/point", POINT): KO_POINT}, fuzzy=True)
    po = polib.pofile(str(exported))
    po.remove(po.find(HEADING, msgctxt="visit/heading"))
    po.save()
    report = import_catalog(demo_store, catalog_dir, "ko")
    assert (report.withdrawn, report.kept) == (1, 1)
    assert served(demo_store) == {("visit/heading", HEADING): "안보"}


def human_rows(store):
    with store.reading() as session:
        return sorted((r.lang, r.context, r.source_text, r.text) for r in session.scalars(select(HumanTranslationRow)))


BREAKAGES = {
    "syntax error": lambda text: text.replace(f'msgid "{HEADING}"', f'msgid "{HEADING}'),
    "wrong Language": lambda text: text.replace('"Language: ko\\n"', '"Language: ja\\n"'),
    "duplicate msgid": lambda text: text + f'\nmsgctxt "visit/title"\nmsgid "{TITLE}"\nmsgstr "중복"\n',
    "missing URL": lambda text: text.replace(KO_URL_POINT, "회담은 안보 협력에 집중됐다."),
}
EXPECTED = {"syntax error": "expected one string in double quotes", "wrong Language": 'Language is "ja"',
            "duplicate msgid": "duplicate message definition", "missing URL": "URL https://apnews.com"}


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_broken_file_is_rejected_whole_with_file_and_line(demo_store, catalog_dir, exported, case):
    edit(exported, {("visit/point", URL_POINT): KO_URL_POINT})
    import_catalog(demo_store, catalog_dir, "ko")
    before = human_rows(demo_store)
    edit(exported, {("visit/title", TITLE): "새 제목"})
    text = BREAKAGES[case](exported.read_text(encoding="utf-8"))
    exported.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        import_catalog(demo_store, catalog_dir, "ko")
    problem = caught.value.first
    assert problem.path == str(exported) and problem.line > 0 and EXPECTED[case] in problem.reason
    line = text.split("\n")[problem.line - 1]
    assert {"syntax error": HEADING, "wrong Language": "Language", "duplicate msgid": TITLE,
            "missing URL": "회담은"}[case] in line, f"line {problem.line} is {line!r}"
    assert human_rows(demo_store) == before, "nothing of a rejected file is taken, nothing is lost"
    with demo_store.reading() as session:
        state = session.get(CatalogStateRow, KEY)
    assert state.ok is False and state.error == f"{KEY}:{problem.line}: {problem.reason}", \
        "the state (shown on /healthz) names the file relative to the catalogs folder"
    assert str(catalog_dir) not in str(state.details)


def test_missing_handle_is_an_error_and_missing_number_a_warning(catalog_store, catalog_dir):
    put_story(catalog_store, "s", [("quote", "en", "Thanks @shigeruishiba for 3 hours of talks", 0)])
    export_catalogs(catalog_store, catalog_dir)
    path = story_file(catalog_dir, "ko", "s")
    edit(path, {("s/quote", "Thanks @shigeruishiba for 3 hours of talks"): "세 시간 회담에 감사드립니다"})
    with pytest.raises(CatalogError, match="handle @shigeruishiba is missing"):
        import_catalog(catalog_store, catalog_dir, "ko", "s")
    edit(path, {("s/quote", "Thanks @shigeruishiba for 3 hours of talks"): "@shigeruishiba 세 시간 회담에 감사"})
    report = import_catalog(catalog_store, catalog_dir, "ko", "s")
    assert report.added == 1 and [w.reason for w in report.warnings] == ["number 3 is missing from the translation"]


def test_dry_run_changes_nothing(demo_store, catalog_dir, exported):
    with demo_store.reading() as session:
        exported_state = session.get(CatalogStateRow, KEY).fingerprint
    edit(exported, {("visit/title", TITLE): "제목"})
    report = import_catalog(demo_store, catalog_dir, "ko", dry_run=True)
    assert report.added == 1 and "(dry run)" in report.summary()
    assert human_rows(demo_store) == []
    with demo_store.reading() as session:
        state = session.get(CatalogStateRow, KEY)
    assert state.fingerprint == exported_state, "the export's record, not the edited file's"


def test_japanese_and_english_catalogs(demo_store, catalog_dir):
    export_catalogs(demo_store, catalog_dir)
    edit(story_file(catalog_dir, "en"), {("visit/quote", QUOTE): "We welcomed President Lee. pic.twitter.com/DVFAgKVJgA"})
    edit(story_file(catalog_dir, "ja"), {("visit/title", TITLE): "李在明氏、初の本格的な訪日"})
    assert import_catalog(demo_store, catalog_dir, "en").added == 1
    assert import_catalog(demo_store, catalog_dir, "ja").added == 1
    assert served(demo_store, "ja") == {("visit/title", TITLE): "李在明氏、初の本格的な訪日"}


# --- two workers importing the same file at the same moment -------------------------------------

def read_committed_store(url):
    """A second 'worker process' whose reads see other processes' commits and whose transaction
    only starts at its first write: pysqlite's own default, and what PostgreSQL's READ
    COMMITTED does. (The service's SQLite writers take the lock at BEGIN; PostgreSQL's do not,
    so this is the race a PostgreSQL deployment has.)"""
    return Store(create_engine(url))


def in_step_at_first_insert(stores, table):
    """Each worker (one store, one thread) waits at its first ``INSERT INTO table`` until every
    worker has reached its own: both have read the store before either writes. Watched through
    SQLAlchemy's public ``before_cursor_execute`` event of the workers' own engines."""
    barrier = threading.Barrier(len(stores), timeout=20)
    waited = set()

    def before_execute(_connection, _cursor, statement, *_):
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} ") and \
                threading.get_ident() not in waited:
            waited.add(threading.get_ident())
            barrier.wait()

    for store in stores:
        event.listen(store.write_engine, "before_cursor_execute", before_execute)
    return waited


def run_together(*calls):
    errors = []

    def run(call):
        try:
            call()
        except Exception as error:  # noqa: BLE001 - collected for the assertion
            errors.append(error)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_two_workers_importing_the_same_file_do_not_collide(demo_store, catalog_dir, exported):
    edit(exported, {("visit/point", POINT): KO_POINT, ("visit/title", TITLE): "이재명, 첫 일본 방문"})
    workers = [read_committed_store(str(demo_store.engine.url)) for _ in range(2)]
    waited = in_step_at_first_insert(workers, HumanTranslationRow.__tablename__)   # after reading the rows
    errors = run_together(*(lambda w=w: import_catalog(w, catalog_dir, "ko") for w in workers))
    assert errors == [], "an upsert, not select-then-insert: no primary-key IntegrityError"
    assert len(waited) == 2, "both workers had read the rows before either wrote"
    assert served(demo_store) == {("visit/point", POINT): KO_POINT, ("visit/title", TITLE): "이재명, 첫 일본 방문"}
    with demo_store.reading() as session:
        assert session.get(CatalogStateRow, KEY).ok is True
    for worker in workers:
        worker.dispose()


def test_two_workers_recording_the_same_broken_file_do_not_collide(demo_store, catalog_dir, exported):
    exported.write_text(BREAKAGES["syntax error"](exported.read_text(encoding="utf-8")), encoding="utf-8")
    workers = [read_committed_store(str(demo_store.engine.url)) for _ in range(2)]
    waited = in_step_at_first_insert(workers, CatalogStateRow.__tablename__)      # both have found no state row
    errors = run_together(*(lambda w=w: import_catalog(w, catalog_dir, "ko") for w in workers))
    assert [type(e) for e in errors] == [CatalogError, CatalogError], errors
    assert len(waited) == 2, "both workers reached record_state together"
    with demo_store.reading() as session:
        state = session.get(CatalogStateRow, KEY)
    assert state.ok is False and "expected one string in double quotes" in state.error
    for worker in workers:
        worker.dispose()


@pytest.mark.parametrize("portable", [False, True], ids=["on-conflict", "savepoint-fallback"])
def test_upsert_inserts_then_updates_by_primary_key(catalog_store, monkeypatch, portable):
    from service.store import upsert as module

    if portable:                         # what a backend other than SQLite/PostgreSQL gets
        monkeypatch.setattr(catalog_store.write_engine.dialect, "name", "otherdb")
    row = {"lang": "ko", "context": "s/title", "source_hash": "h", "source_text": "Hi", "text": "안녕"}
    with catalog_store.transaction() as session:
        module.upsert(session, HumanTranslationRow, [row])
        module.upsert(session, HumanTranslationRow, [dict(row, text="안녕하세요"), dict(row, source_hash="g")])
    with catalog_store.reading() as session:
        texts = {r.source_hash: r.text for r in session.scalars(select(HumanTranslationRow))}
    assert texts == {"h": "안녕하세요", "g": "안녕"}


def test_source_language_of_an_entry_whose_field_is_gone_uses_the_shared_script_rule(demo_store, catalog_dir,
                                                                                    exported):
    """A reviewed entry whose field the story no longer has is kept, keyed by its text's language:
    Japanese by ``service.core.textrules.JAPANESE_SCRIPT`` (one rule for the whole service; it knows the
    CJK compatibility ideographs, U+F900-FAFF, that the importer's own copy missed)."""
    import service.core.textrules
    from service.catalogs import importer

    assert importer.JAPANESE_SCRIPT is service.core.textrules.JAPANESE_SCRIPT
    msgid = "\uf9dc\uf9b2"                          # compatibility ideographs only
    with exported.open("a", encoding="utf-8") as handle:
        handle.write(f'\nmsgctxt "visit/quote"\nmsgid "{msgid}"\nmsgstr "사라진 인용"\n')
    assert import_catalog(demo_store, catalog_dir, "ko").added == 1
    with demo_store.reading() as session:
        row = session.scalars(select(HumanTranslationRow).where(HumanTranslationRow.source_text == msgid)).one()
    assert row.source_hash == source_hash("ja", msgid)


def test_an_entry_of_another_story_is_refused_with_its_line(demo_store, catalog_dir, exported):
    put_story(demo_store, "other", [("title", "en", "Another story")])
    with exported.open("a", encoding="utf-8") as handle:
        handle.write('\nmsgctxt "other/title"\nmsgid "Another story"\nmsgstr "남의 기사"\n')
    with pytest.raises(CatalogError) as caught:
        import_catalog(demo_store, catalog_dir, "ko")
    assert "is not a text of story visit" in caught.value.first.reason and caught.value.first.line > 0
    assert human_rows(demo_store) == [], "one story's file never writes another story's text"


@pytest.mark.parametrize("where", ["ko/LC_MESSAGES/content/visit.po", "ko/LC_MESSAGES/content/2025-08/Visit Copy.po",
                                   "ko/LC_MESSAGES/content/2025-08/deep/visit.po"])
def test_a_file_outside_the_layout_is_reported_and_not_imported(demo_store, catalog_dir, exported, where):
    from service.catalogs.importer import import_file

    stray = catalog_dir / where
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(exported.read_bytes())
    with pytest.raises(CatalogError, match="not a file of the catalogs' layout"):
        import_file(demo_store, catalog_dir, stray)
    with demo_store.reading() as session:
        assert session.get(CatalogStateRow, where).ok is False
    assert human_rows(demo_store) == []


def test_a_file_in_the_wrong_month_says_where_it_belongs(demo_store, catalog_dir, exported):
    from service.catalogs.importer import import_file

    wrong = catalog_dir / "ko/LC_MESSAGES/content/2024-01/visit.po"
    wrong.parent.mkdir(parents=True)
    edit(exported, {("visit/title", TITLE): "제목"})
    wrong.write_bytes(exported.read_bytes())
    with pytest.raises(CatalogError, match="published in 2025-08, so its file is content/2025-08/visit.po"):
        import_file(demo_store, catalog_dir, wrong)
    assert human_rows(demo_store) == []
