"""The sentence memory: a fill sends only unseen sentences to the engine (counted at its seam)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import delete, func, select

from service.core.domain import source_hash
from service.store import FieldRow, SentenceMemoryRow, StoryRow, make_store
from service.store.memory import find_sentences, insert_sentences
from service.store.translations import StoredMachineTranslations
from service.translate.engine import Engine
from service.translate.fill import fill_missing
from service.translate.memory import SentenceMemory, translate_texts, translators_call
from service.translate.protect import missing
from support.mt_fixtures import publish

LIMIT = 50 * 1024 * 1024




@pytest.fixture
def engine_seam(monkeypatch) -> list[list[str]]:
    """Every batch of sentences any installed model is asked to translate."""
    batches: list[list[str]] = []
    real = Engine.translate_hypotheses

    def counting(self, sentences, count=1, progress=None):
        batches.append(list(sentences))
        return real(self, sentences, count, progress)

    monkeypatch.setattr(Engine, "translate_hypotheses", counting)
    return batches


def _story_text(n: int, middle: str) -> str:
    return f"Story {n} opens the report. {middle} The leaders of both nations left Tokyo."


def _put_story(store, story_id: str, texts: list[tuple[str, str]]) -> None:
    """Replace a story's fields (as a re-summarized story does)."""
    with store.transaction() as session:
        session.execute(delete(FieldRow).where(FieldRow.story_id == story_id))
        if session.get(StoryRow, story_id) is None:
            session.add(StoryRow(id=story_id, published=dt.date(2025, 8, 23), title=None))
        for position, (lang, text) in enumerate(texts):
            session.add(FieldRow(story_id=story_id, position=position, role="point", source_index=0,
                                 source_lang=lang, source_text=text, source_hash=source_hash(lang, text)))


def test_refill_after_one_sentence_edited_in_each_of_ten_stories_sends_exactly_ten(store, translators, engine_seam):
    for n in range(10):
        _put_story(store, f"story-{n}", [("en", _story_text(n, f"Talks {n} began at noon."))])
    first = fill_missing(store, translators, langs=["ko"])
    # 10 distinct first and middle sentences, one shared last sentence: 21 sentences, once each
    assert first.done == 10 and sum(map(len, engine_seam)) == 21
    engine_seam.clear()
    for n in range(10):
        _put_story(store, f"story-{n}", [("en", _story_text(n, f"Talks {n} ended late."))])
    again = fill_missing(store, translators, langs=["ko"])
    assert again.done == 10
    assert sorted(s for batch in engine_seam for s in batch) == sorted(f"Talks {n} ended late." for n in range(10))
    # the edited fields are still machine translations, with the engine named
    publish(store, translators)
    served = StoredMachineTranslations(store).lookup(
        "ko", [("en", _story_text(n, f"Talks {n} ended late.")) for n in range(10)])
    assert len(served) == 10 and {engine for _text, engine in served.values()} == {"argos:en-ko:1.1"}


def test_memory_is_per_engine_and_target_and_shared_across_fields(store, translators, engine_seam):
    _put_story(store, "one", [("en", "They met in Tokyo. Ties were discussed."), ("en", "Ties were discussed.")])
    fill_missing(store, translators, langs=["ko", "ja"])
    # per target language each distinct sentence once: 2 for ko, 2 for ja
    assert sorted(map(len, engine_seam)) == [2, 2]
    with store.reading() as session:
        rows = session.execute(select(SentenceMemoryRow.target_lang, SentenceMemoryRow.engine,
                                      SentenceMemoryRow.source_text)).all()
    assert sorted(rows) == sorted([("ja", "argos:en-ja:1.1", "They met in Tokyo."),
                                   ("ja", "argos:en-ja:1.1", "Ties were discussed."),
                                   ("ko", "argos:en-ko:1.1", "They met in Tokyo."),
                                   ("ko", "argos:en-ko:1.1", "Ties were discussed.")])


def test_a_text_made_of_remembered_sentences_costs_no_engine_call(store, translators, engine_seam):
    memory, call = SentenceMemory(store), translators_call(translators)
    first = translate_texts(memory, "en", "ja", ["A first line. A second one.\nA third one."], "argos:en-ja:1.1", call)
    assert (first.sentences, first.sent) == (3, 3) and first.engine == "argos:en-ja:1.1"
    assert first.texts[0].count("\n") == 1
    engine_seam.clear()
    again = translate_texts(memory, "en", "ja", ["A third one.\nA second one. A first line."], "argos:en-ja:1.1", call)
    assert (again.sentences, again.sent) == (3, 0) and engine_seam == []
    [line_one, line_two] = first.texts[0].split("\n")
    parts = {s: memory.lookup("en", "ja", "argos:en-ja:1.1", [s])[s]
             for s in ("A first line.", "A second one.", "A third one.")}
    assert line_one == parts["A first line."] + parts["A second one."] and line_two == parts["A third one."]
    assert again.texts == [parts["A third one."] + "\n" + parts["A second one."] + parts["A first line."]]


def test_alternatives_come_from_the_engine_and_the_best_is_remembered(store, translators, engine_seam):
    memory, call = SentenceMemory(store), translators_call(translators)
    result = translate_texts(memory, "en", "ko", ["Call 110 now."], "argos:en-ko:1.1", call, alternatives=2)
    assert len(result.alternatives) == 1 and len(result.alternatives[0]) <= 2
    assert result.texts[0] not in result.alternatives[0]
    assert all(missing(text, "Call 110 now.") == [] for text in result.texts + result.alternatives[0])
    assert memory.lookup("en", "ko", "argos:en-ko:1.1", ["Call 110 now."]) == {"Call 110 now.": result.texts[0]}


def test_an_engine_that_changed_meanwhile_is_not_mixed_with_the_old_one(store):
    memory = SentenceMemory(store)
    memory.remember("en", "ko", "old", {"Alpha met them.": "old-a"})
    calls = []

    def call(source, target, sentences, count):
        calls.append(list(sentences))
        return [[f"new-{s}"] for s in sentences], "new"

    result = translate_texts(memory, "en", "ko", ["Alpha met them. Beta left."], "old", call)
    assert result.engine == "new" and result.texts == ["new-Alpha met them. new-Beta left."]
    assert calls == [["Beta left."], ["Alpha met them.", "Beta left."]]


def test_racing_fills_store_each_sentence_once(store, translators, tmp_path):
    _put_story(store, "race", [("en", "Both fills translate this. And this too.")])
    barrier = threading.Barrier(2)
    real_call = translators_call

    def slow_call(translators, progress=None, glossary=None):
        inner = real_call(translators, progress, glossary)

        def call(*args):
            out = inner(*args)
            barrier.wait(timeout=30)        # both have translated before either stores
            return out
        return call

    import service.translate.fill as fill_module
    original = fill_module.translators_call
    fill_module.translators_call = slow_call
    try:
        other = make_store(store.engine.url.render_as_string(hide_password=False))
        threads = [threading.Thread(target=fill_missing, args=(s, translators), kwargs={"langs": ["ko"]})
                   for s in (store, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        other.dispose()
    finally:
        fill_module.translators_call = original
    with store.reading() as session:
        assert session.scalar(select(func.count()).select_from(SentenceMemoryRow)) == 2


@pytest.mark.parametrize("dialect", ["sqlite", "otherdb"])
def test_inserts_ignore_rows_already_stored_on_any_database(store, monkeypatch, dialect):
    rows = [{"source_hash": f"{n:064x}", "target_lang": "ko", "engine": "e", "source_lang": "en",
             "source_text": f"s{n}", "text": f"t{n}"} for n in range(700)]
    monkeypatch.setattr(store.write_engine.dialect, "name", dialect)
    with store.transaction() as session:
        insert_sentences(session, rows[:600])
    with store.transaction() as session:
        insert_sentences(session, rows + rows[:3])
    with store.reading() as session:
        assert len(find_sentences(session, "ko", "e", [r["source_hash"] for r in rows])) == 700
        assert find_sentences(session, "ja", "e", [rows[0]["source_hash"]]) == {}


def test_story_fields_keep_their_protected_spans(store, translators):
    text = "See https://example.org/report and write to desk@example.org. Follow @kakehashi and #news on 23 Aug."
    _put_story(store, "spans", [("en", text), ("ja", "石破首相は@kantei で2025年8月23日に投稿した。")])
    fill_missing(store, translators)
    publish(store, translators)
    lookup = StoredMachineTranslations(store)
    for lang in ("ko", "ja"):
        [(translated, _engine)] = lookup.lookup(lang, [("en", text)]).values()
        assert missing(translated, text) == []
    for lang in ("en", "ko"):
        [(translated, _engine)] = lookup.lookup(lang, [("ja", "石破首相は@kantei で2025年8月23日に投稿した。")]).values()
        assert missing(translated, "石破首相は@kantei で2025年8月23日に投稿した。") == []
