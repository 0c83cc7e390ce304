"""Machine translation obeys the glossary: tiny real Argos packages through the real code path
(CTranslate2, SentencePiece, protected placeholders, pivots, the sentence memory, the fill)."""
from __future__ import annotations

import datetime as dt

import pytest

from service.core.config import Settings
from service.core.domain import source_hash
from service.store import FieldRow, MachineTranslationRow, StoryRow
from service.translate.engine import Engine
from service.translate.fill import fill_missing
from service.translate.glossary_file import parse_tbx
from service.translate.glossary_live import GlossaryWatcher, current_glossary, put_in_force
from service.translate.memory import SentenceMemory, translate_texts, translators_call
from support.glossaries import tbx2, write_glossary

NAMES = {"lee": {"en": "Lee Jae-myung", "ja": "李在明", "ko": "이재명"},
         "trump": {"en": "Trump", "ja": "トランプ", "ko": "트럼프"},
         "ap": {"en": "AP", "ja": "AP", "ko": "AP"}}           # do-not-translate
SENTENCES = {
    "en": ["Lee Jae-myung arrived in Tokyo.", "Talks with Trump began at noon.", "The president met Trump",
           "Trump called Trump again.", "Trump wrote https://example.org/news today.", "AP reported the visit."],
    "ja": ["李在明大統領が東京に到着した。", "会談でトランプ氏と話した。", "大統領が会ったのはトランプ",
           "トランプ氏はトランプ氏に電話した。", "トランプ氏が https://example.org/news に書いた。", "APが訪問を報じた。"],
}
EXPECTED = {  # per source sentence: the target terms every translation must hold (with how many)
    "en": [{"lee": 1}, {"trump": 1}, {"trump": 1}, {"trump": 2}, {"trump": 1}, {"ap": 1}],
    "ja": [{"lee": 1}, {"trump": 1}, {"trump": 1}, {"trump": 2}, {"trump": 1}, {"ap": 1}],
}




@pytest.fixture
def engine_seam(monkeypatch) -> list[list[str]]:
    """Every batch of sentences any installed model is asked to translate (first legs included)."""
    batches: list[list[str]] = []
    real = Engine.translate_hypotheses

    def counting(self, sentences, count=1, progress=None, **kwargs):
        batches.append(list(sentences))
        return real(self, sentences, count, progress, **kwargs)

    monkeypatch.setattr(Engine, "translate_hypotheses", counting)
    return batches


@pytest.mark.parametrize("source,target", [("en", "ko"), ("en", "ja"), ("ja", "en"), ("ja", "ko")])
def test_every_glossary_target_term_is_in_the_machine_translation(store, translators, source, target):
    put_in_force(store, parse_tbx(tbx2(NAMES).encode(), "glossary.tbx"))
    engine = translators.engines()[(source, target)]
    if (source, target) == ("ja", "ko"):
        assert ">" in engine                     # a pivot through English
    result = translate_texts(SentenceMemory(store), source, target, SENTENCES[source], engine,
                             translators_call(translators, glossary=current_glossary(store)))
    for text, translated, expected in zip(SENTENCES[source], result.texts, EXPECTED[source], strict=True):
        for concept, count in expected.items():
            term = NAMES[concept][target]
            assert translated.count(term) >= count, (text, translated, term)
        if "https://" in text:
            assert "https://example.org/news" in translated
    # the source terms are gone where the target differs (ja -> ko never round-trips: no English name)
    if target != "en":
        assert all("Trump" not in t and "Lee Jae-myung" not in t for t in result.texts)
    assert "Lee Jae-myung" not in "".join(result.texts) or target == "en"


def _put_story(store, story_id: str, texts: list[str]) -> None:
    with store.transaction() as session:
        session.add(StoryRow(id=story_id, published=dt.date(2025, 8, 23), title=None))
        for position, text in enumerate(texts):
            session.add(FieldRow(story_id=story_id, position=position, role="point", source_index=0,
                                 source_lang="en", source_text=text, source_hash=source_hash("en", text)))


def _machine(store, text: str, lang: str = "ko") -> tuple[str, str | None]:
    with store.reading() as session:
        row = session.query(MachineTranslationRow).filter_by(source_hash=source_hash("en", text), target_lang=lang).one()
        return row.text, row.terms


def test_a_term_change_re_translates_only_the_sentences_with_that_term(tmp_path, store, translators, engine_seam):
    texts = ["Trump arrived. The talks were long.", "Lee Jae-myung arrived. The talks were long.",
             "The weather was fine. Nobody was late."]
    _put_story(store, "s1", texts[:2])
    _put_story(store, "s2", texts[2:])
    settings = Settings(instance_dir=tmp_path / "instance", translations_dir=tmp_path / "translations",
                        catalog_poll_seconds=0, catalog_settle_seconds=0)
    enqueued: list[list[str]] = []
    watcher = GlossaryWatcher(settings, store, enqueued.append)
    write_glossary(settings.translations_dir, tbx2(NAMES))
    assert watcher.check_now() is not None
    fill_missing(store, translators, langs=["ko"])
    assert "트럼프" in _machine(store, texts[0])[0] and _machine(store, texts[0])[1] == "Trump\t트럼프"
    assert _machine(store, texts[2])[1] is None or _machine(store, texts[2])[1] == ""
    engine_seam.clear()

    changed = {**NAMES, "trump": {"en": "Trump", "ja": "トランプ", "ko": "도널드"}}
    write_glossary(settings.translations_dir, tbx2(changed))
    result = watcher.check_now()
    assert result is not None and result.stories == ["s1"] and enqueued[-1] == ["s1"]
    report = fill_missing(store, translators, langs=["ko"])
    assert report.done == 1                                    # only the text with the changed term
    assert engine_seam == [["Trump arrived."]]                 # one sentence reached the model
    assert "도널드" in _machine(store, texts[0])[0] and "트럼프" not in _machine(store, texts[0])[0]
    assert _machine(store, texts[0])[1] == "Trump\t도널드"

    engine_seam.clear()
    removed = {key: value for key, value in changed.items() if key != "trump"}
    write_glossary(settings.translations_dir, tbx2(removed))
    assert watcher.check_now().stories == ["s1"]
    assert fill_missing(store, translators, langs=["ko"]).done == 1
    assert engine_seam == [["Trump arrived."]]
    assert _machine(store, texts[0])[1] == ""


def test_a_bad_file_leaves_the_glossary_in_force(tmp_path, store):
    settings = Settings(instance_dir=tmp_path / "instance", translations_dir=tmp_path / "translations",
                        catalog_poll_seconds=0, catalog_settle_seconds=0)
    watcher = GlossaryWatcher(settings, store, lambda ids: None)
    write_glossary(settings.translations_dir, tbx2(NAMES))
    watcher.check_now()
    before = current_glossary(store)
    write_glossary(settings.translations_dir, tbx2(NAMES).replace("</martif>", "</martf>"))
    assert watcher.check_now() is None
    assert current_glossary(store) == before and len(before.concepts) == 3


def test_translate_endpoint_and_cli_obey_the_glossary(lt_app_settings, install_models):
    """``kakehashi init`` loads the demo glossary; ``glossary import`` a CSV; /translate obeys both."""
    from service.http.wiring import memory_first_backend
    from service.libretranslate import use_backend
    from support.app import make_app

    app = make_app(lt_app_settings, demo=False)
    install_models(app)
    services = app.extensions["kakehashi"]
    runner = app.test_cli_runner()
    init = runner.invoke(args=["init", "--no-demo"])
    assert init.exit_code == 0
    loaded = runner.invoke(args=["init"])
    assert "Glossary in force: 5 concepts" in loaded.output, loaded.output
    csv_file = lt_app_settings.instance_dir / "ko.csv"
    csv_file.write_text("source,target\nTokyo,도쿄\n", encoding="utf-8")
    imported = runner.invoke(args=["glossary", "import", str(csv_file), "--source", "en", "--target", "ko"])
    assert imported.exit_code == 0 and "6 concepts" in imported.output, imported.output
    exported = runner.invoke(args=["glossary", "export"])
    assert "<term>도쿄</term>" in exported.output and "<term>이재명</term>" in exported.output
    call = translators_call(services.translators, glossary=lambda: current_glossary(services.store))
    use_backend(app, memory_first_backend(services, call))
    answer = app.test_client().post("/translate", json={
        "q": "Shigeru Ishiba met Lee Jae-myung in Tokyo.", "source": "en", "target": "ko", "api_key": "k-0123456789"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    text = answer.get_json()["translatedText"]
    assert "이시바 시게루" in text and "이재명" in text and "도쿄" in text
    bad = lt_app_settings.instance_dir / "bad.tbx"
    bad.write_text("<martif><text>", encoding="utf-8")
    refused = runner.invoke(args=["glossary", "import", str(bad)])
    assert refused.exit_code == 1 and "bad.tbx:1: is not well-formed XML" in refused.output
    services.store.dispose()


@pytest.fixture
def lt_app_settings(settings):
    return settings.with_overrides(mt_api_keys=("k-0123456789",), mt_rate_limit="1000 per minute")


def test_healthz_says_a_glossary_was_refused_without_its_content(app, client, auth, settings):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert client.get("/healthz").get_json()["glossary"] == {"ok": True, "concepts": 5}
    write_glossary(settings.translations_dir, "<martif>SECRET-TERM<text>")
    watcher = GlossaryWatcher(settings, app.extensions["kakehashi"].store, lambda ids: None)
    assert watcher.check_now() is None
    plain = client.get("/healthz").get_json()["glossary"]
    assert plain == {"ok": False, "concepts": 5}
    detailed = client.get("/healthz", headers=auth).get_data(as_text=True)
    assert "glossary.tbx:1: is not well-formed XML" in detailed and "SECRET-TERM" not in detailed
