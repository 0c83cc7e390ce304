"""Filling stored machine translations, and which one the resolver is given (layer tests)."""
from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
from sqlalchemy import func, select

from service.core.config import Settings
from service.core.domain import source_hash
from service.store import Base, FieldRow, MachineTranslationRow, StoryRow, make_store
from service.store.chunking import chunks
from service.store.translations import StoredMachineTranslations
from service.translate.fill import fill_missing
from service.translate.packages import install_package, remove_package
from service.translate.registry import Translators
from support.mt_fixtures import publish

LIMIT = 50 * 1024 * 1024
FIELDS = {
    "one": [("title", "en", "Lee visits Japan."), ("point", "en", "They met in Tokyo. Ties were discussed."),
            ("quote", "ja", "新たな時代の日韓関係を築きたい。")],
    "two": [("title", "en", "Lee visits Japan."), ("point", "en", "A second story.")],
}


@pytest.fixture
def mt_settings(tmp_path) -> Settings:
    return Settings(instance_dir=tmp_path, mt_max_decoding_length=8, mt_beam_size=2)


@pytest.fixture
def store(tmp_path):
    store = make_store(f"sqlite:///{tmp_path}/db.sqlite3")
    Base.metadata.create_all(store.engine)
    with store.transaction() as session:
        for story_id, fields in FIELDS.items():
            session.add(StoryRow(id=story_id, published=dt.date(2025, 8, 23), title=None))
            for position, (role, lang, text) in enumerate(fields):
                session.add(FieldRow(story_id=story_id, position=position, role=role, source_index=0,
                                     source_lang=lang, source_text=text, source_hash=source_hash(lang, text)))
    yield store
    store.engine.dispose()


@pytest.fixture
def translators(mt_settings, mt_packages) -> Translators:
    for name in ("en_ko", "en_ja", "ja_en"):
        install_package(mt_settings.models_dir, getattr(mt_packages, name), LIMIT)
    return Translators(mt_settings, rescan_seconds=0)


def _rows(store) -> list[tuple[str, str, str]]:
    with store.reading() as session:
        return sorted(tuple(row) for row in session.execute(select(
            MachineTranslationRow.source_lang, MachineTranslationRow.target_lang, MachineTranslationRow.engine)))


def test_fill_translates_every_missing_field_once_with_identical_texts_shared(store, translators):
    progress = []
    report = fill_missing(store, translators, progress=lambda done, total: progress.append((done, total)))
    # en fields: 4 (x ko, ja); ja field: 1 (x en, ko) -> 10 fields; 3 + 1 distinct texts -> 8
    assert (report.done, report.pending, report.failed, report.skipped, report.texts) == (10, 10, 0, 0, 8)
    assert report.fields_per_second > 0 and progress[-1] == (10, 10)
    rows = _rows(store)
    assert len(rows) == 8
    assert ("ja", "ko", "argos:ja-en:1.1>argos:en-ko:1.1") in rows
    again = fill_missing(store, translators)
    assert (again.done, again.pending) == (0, 0)
    assert len(_rows(store)) == 8


def test_fill_limits_by_story_language_and_dry_run(store, translators):
    dry = fill_missing(store, translators, story_ids=["two"], langs=["ko"], dry_run=True)
    assert (dry.pending, dry.done, dry.dry_run) == (2, 0, True)
    assert _rows(store) == []
    report = fill_missing(store, translators, story_ids=["two"], langs=["ko"])
    assert report.done == 2 and {row[1] for row in _rows(store)} == {"ko"}


def test_pairs_without_a_model_are_skipped(store, mt_settings, mt_packages):
    install_package(mt_settings.models_dir, mt_packages.en_ko, LIMIT)
    report = fill_missing(store, Translators(mt_settings))
    assert report.done == 4 and report.skipped == 6
    assert report.missing_pairs == {("en", "ja"), ("ja", "en"), ("ja", "ko")}


def test_a_failing_model_is_logged_and_the_other_pairs_still_fill(store, translators, caplog):
    model = translators.routes()[("en", "ja")][0].package.real_path / "model" / "model.bin"
    model.write_bytes(b"corrupted")
    with caplog.at_level(logging.ERROR):
        report = fill_missing(store, translators)
    assert report.failed == 4 and report.failed_pairs == {("en", "ja")}
    assert report.done == 6
    assert "en-ja failed" in caplog.text


def test_one_text_the_model_fails_on_leaves_only_its_own_fields_as_source(store, translators, monkeypatch, caplog):
    """A batch that fails is retried text by text: the other texts of the pair are stored."""
    real_translate = translators.translate
    poison = "Ties were discussed."     # a sentence of the text "They met in Tokyo. Ties were discussed."

    def translate(source, target, texts, progress=None):
        if poison in texts:             # the sentence memory sends sentences, not whole texts
            raise RuntimeError("the model choked")
        return real_translate(source, target, texts, progress=progress)

    monkeypatch.setattr(translators, "translate", translate)
    with caplog.at_level(logging.ERROR):
        report = fill_missing(store, translators, langs=["ko"])
    # en->ko: 3 distinct texts (4 fields); the poisoned one (1 field) fails, the other 3 fields fill
    assert (report.done, report.failed, report.failed_pairs) == (4, 1, set())
    stored = {row[0] for row in _rows(store) if row[1] == "ko"}
    assert stored == {"en", "ja"}
    assert "retrying them in halves" in caplog.text and "of text" in caplog.text


def _add_story(store, story_id: str, texts: list[str]) -> None:
    with store.transaction() as session:
        session.add(StoryRow(id=story_id, published=dt.date(2025, 8, 24), title=None))
        for position, text in enumerate(texts):
            session.add(FieldRow(story_id=story_id, position=position, role="point", source_index=0,
                                 source_lang="en", source_text=text, source_hash=source_hash("en", text)))


def test_a_failed_batch_is_split_in_halves_so_the_good_texts_stay_batched(store, translators, monkeypatch):
    """One bad text among 32 costs 2 calls per halving (about 11 in all), not one call per text."""
    texts = [f"Story number {n} is here." for n in range(32)]
    _add_story(store, "many", texts)
    poison, calls, real_translate = texts[13], [], translators.translate

    def translate(source, target, batch, progress=None):
        calls.append(len(batch))
        if poison in batch:
            raise RuntimeError("the model choked")
        return real_translate(source, target, batch, progress=progress)

    monkeypatch.setattr(translators, "translate", translate)
    report = fill_missing(store, translators, story_ids=["many"], langs=["ko"])
    assert (report.done, report.failed, report.texts, report.failed_pairs) == (31, 1, 31, set())
    assert sorted(calls, reverse=True) == [32, 16, 16, 8, 8, 4, 4, 2, 2, 1, 1], calls
    publish(store, translators)
    lookup = StoredMachineTranslations(store).lookup("ko", [("en", t) for t in texts])
    assert set(lookup) == {("en", t) for t in texts if t != poison}


def test_a_model_that_does_not_load_fails_its_pair_once_not_once_per_text(store, translators, monkeypatch, caplog):
    model = translators.routes()[("en", "ja")][0].package.real_path / "model" / "model.bin"
    model.write_bytes(b"corrupted")
    calls, real_translate = [], translators.translate

    def translate(source, target, batch, progress=None):
        calls.append((source, target))
        return real_translate(source, target, batch, progress=progress)

    monkeypatch.setattr(translators, "translate", translate)
    with caplog.at_level(logging.ERROR):
        report = fill_missing(store, translators, langs=["ja"])
    assert calls == [("en", "ja")]
    assert (report.done, report.failed, report.failed_pairs) == (0, 4, {("en", "ja")})
    assert "cannot load model argos:en-ja:1.1" in caplog.text and "retrying" not in caplog.text


def test_lookup_serves_the_current_engine_and_falls_back_to_the_newest_when_removed(
        store, translators, mt_settings, mt_packages):
    lookup = StoredMachineTranslations(store)
    publish(store, translators)
    item = ("en", "Lee visits Japan.")
    assert lookup.lookup("ko", [item]) == {}
    fill_missing(store, translators, langs=["ko"])
    text, engine = lookup.lookup("ko", [item])[item]
    assert engine == "argos:en-ko:1.1" and text

    install_package(mt_settings.models_dir, mt_packages.en_ko_v2, LIMIT)
    publish(store, translators)
    assert lookup.lookup("ko", [item]) == {}, "a new model version makes the old text not current"
    fill_missing(store, translators, langs=["ko"])
    assert lookup.lookup("ko", [item])[item][1] == "argos:en-ko:1.2"

    remove_package(mt_settings.models_dir, "en-ko")
    publish(store, translators)
    with store.transaction() as session:     # make the order of the two stored versions unambiguous
        session.query(MachineTranslationRow).filter_by(engine="argos:en-ko:1.1").update(
            {"created_at": func.datetime("now", "-1 day")}, synchronize_session=False)
    assert lookup.lookup("ko", [item])[item][1] == "argos:en-ko:1.2"
    assert lookup.lookup("ko", []) == {}


def test_rows_stored_meanwhile_are_ignored_on_any_database(store, translators, monkeypatch):
    """The portable insert path (neither SQLite nor PostgreSQL) must skip existing rows too."""
    from service.store.machine import insert_machine_translations as insert_new

    row = {"source_hash": "h" * 64, "target_lang": "ko", "engine": "e", "source_lang": "en", "text": "a"}
    insert_new(store, [row])
    monkeypatch.setattr(store.write_engine.dialect, "name", "otherdb")
    insert_new(store, [row, {**row, "source_hash": "i" * 64}])
    assert len(_rows(store)) == 2


def test_sweep_with_nothing_missing_loads_no_model(store, translators, mt_settings, monkeypatch):
    """A worker started after everything was filled plans, finds nothing, and translates nothing."""
    fill_missing(store, translators)
    fresh = Translators(mt_settings, rescan_seconds=0)           # a new process: no model loaded yet
    monkeypatch.setattr(fresh, "translate", lambda *a, **k: pytest.fail("nothing was missing"))
    assert fill_missing(store, fresh).done == 0
    assert len(_rows(store)) == 8
    assert not any(engine.loaded for route in fresh.routes().values() for engine in route)


def test_racing_jobs_of_several_workers_store_each_translation_once(store, mt_settings, translators, caplog):
    """Two workers (own store connection, own models) run jobs for the same stories and plan the
    same missing work before either stores it; both translate it, and the second one's rows are
    ignored, not an error."""
    barrier = threading.Barrier(2, timeout=30)

    def meeting_at_the_first_call(translators):
        real_translate, calls = translators.translate, []

        def translate(source, target, texts, progress=None):
            calls.append((source, target))
            if len(calls) == 1:
                barrier.wait()                               # both planned: both have the work to do
            return real_translate(source, target, texts, progress=progress)

        translators.translate = translate
        return translators

    workers = [(make_store(str(store.engine.url)), meeting_at_the_first_call(Translators(mt_settings, rescan_seconds=0)))
               for _ in range(2)]
    reports = []
    threads = [threading.Thread(target=lambda w=w: reports.append(fill_missing(*w))) for w in workers]
    try:
        with caplog.at_level(logging.WARNING):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
        assert "failed" not in caplog.text and not barrier.broken
        assert [r.failed for r in reports] == [0, 0]
        assert len(_rows(store)) == 8
    finally:
        for worker_store, _ in workers:
            worker_store.engine.dispose()


def test_chunks_splits_in_order_and_yields_nothing_for_nothing():
    assert list(chunks(range(5), size=2)) == [[0, 1], [2, 3], [4]]
    assert list(chunks([], size=2)) == [] and list(chunks({"a": 1, "b": 2})) == [["a", "b"]]
    with pytest.raises(ValueError):
        list(chunks([1], size=0))


@pytest.mark.parametrize("dialect", ["sqlite", "otherdb"])
def test_more_rows_than_one_query_chunk_are_stored_found_and_served(store, translators, monkeypatch, dialect):
    from service.store.machine import insert_machine_translations as insert_new
    from service.store.machine import stored_machine_hashes as stored_hashes

    rows = [{"source_hash": f"{n:064x}", "target_lang": "ko", "engine": "argos:en-ko:1.1", "source_lang": "en",
             "text": f"t{n}"} for n in range(1201)]
    monkeypatch.setattr(store.write_engine.dialect, "name", dialect)
    insert_new(store, rows[:700])
    insert_new(store, rows)                              # 700 already there: ignored, on any database
    assert len(_rows(store)) == 1201
    assert stored_hashes(store, "ko", "argos:en-ko:1.1", [r["source_hash"] for r in rows] + ["f" * 64]) == {
        r["source_hash"] for r in rows}
