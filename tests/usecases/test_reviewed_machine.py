"""Machine text never passes as a translator's: an engine's output accepted unchanged into a
catalog is a *reviewed machine translation* (PRODUCT.md, "Localized field").

Both ways machine text reaches a catalog, each through the real CLI, a real SQLite store and
tiny real Argos packages: a suggestion exported as ``#, fuzzy`` that a translator un-fuzzies
without changing a word (stored machine rows), and a text a tool wrote after asking
``/translate`` (the sentence memory). The end-to-end run with transpolibre itself is in
``test_libretranslate_clients.py``.
"""
from __future__ import annotations

import polib
import pytest

from service.core.textrules import detect_source_lang
from service.http.wiring import memory_first_backend
from service.libretranslate import use_backend
from service.translate.glossary_live import current_glossary
from service.translate.memory import translators_call
from support.app import DEMO_ID, TOKEN
from support.catalog_fixtures import story_file

ENGINE = "argos:en-ko:1.1"


def _fields(client, lang="ko", story_id=DEMO_ID) -> list[dict]:
    story = client.get(f"/api/v1/stories/{story_id}?lang={lang}").get_json()
    return [story["title"], *story["points"], *story["quotes"], *story["headings"]]


def _cli(runner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def filled(app, runner, install_models):
    """The demo story with en→ko machine text stored by the real engine, and a ko catalog
    exported with machine suggestions."""
    install_models(app, "en_ko")
    _cli(runner, "translate", "--lang", "ko")
    _cli(runner, "catalog", "export", "--lang", "ko", "--machine-suggestions")
    return story_file(app.config["KAKEHASHI"].translations_dir, "ko", DEMO_ID)


def test_an_unfuzzied_suggestion_is_served_as_reviewed_machine_translation(app, client, runner, filled):
    po = polib.pofile(str(filled))
    suggestions = [entry for entry in po if entry.msgstr and "fuzzy" in entry.flags]
    assert len(suggestions) >= 2, "the export wrote machine suggestions"
    accepted, edited = suggestions[0], suggestions[1]
    accepted.flags.remove("fuzzy")                         # accepted without changing a word
    edited.flags.remove("fuzzy")
    edited.msgstr = "번역가가 직접 쓴 문장."                  # a translator's own words
    po.save()
    _cli(runner, "catalog", "import", "--lang", "ko")

    fields = {field["source_text"]: field for field in _fields(client)}
    reviewed, own = fields[accepted.msgid], fields[edited.msgid]
    assert reviewed["provenance"] == "human" and reviewed["reviewed_from"] == ENGINE
    assert reviewed["text"] == accepted.msgstr
    assert own["provenance"] == "human" and "reviewed_from" not in own, "a translator's own words carry no key"
    assert all("reviewed_from" not in field for field in fields.values() if field["provenance"] != "human")

    page = client.get(f"/ko/stories/{DEMO_ID}").get_data(as_text=True)
    assert page.count('class="marker reviewed"') == 1 and f'data-engine="{ENGINE}"' in page
    assert "검토된 기계 번역" in page, "the marker comes from the Korean UI catalog"

    answer = client.post("/translate", json={"q": [accepted.msgid, edited.msgid], "source": "en", "target": "ko",
                                             "api_key": TOKEN}).get_json()
    assert answer["translatedText"] == [accepted.msgstr, edited.msgstr]
    assert answer["provenance"] == ["machine", "human"], "/translate never calls machine text human"


def _a_tool_fills_the_catalog_through_translate(app, client, runner, story_id=DEMO_ID) -> list[polib.POEntry]:
    """What transpolibre does: ask /translate for each msgid and write the answer, not fuzzy."""
    services = app.extensions["kakehashi"]
    call = translators_call(services.translators, glossary=lambda: current_glossary(services.store))
    use_backend(app, memory_first_backend(services, call))
    _cli(runner, "catalog", "export", "--lang", "ko")            # no machine text stored yet: empty msgstrs
    path = story_file(app.config["KAKEHASHI"].translations_dir, "ko", story_id)
    po = polib.pofile(str(path))
    english = [entry for entry in po if not entry.obsolete and not entry.msgstr and detect_source_lang(entry.msgid) == "en"]
    assert english
    answer = client.post("/translate", json={"q": [entry.msgid for entry in english], "source": "en", "target": "ko",
                                             "api_key": TOKEN}).get_json()
    for entry, text in zip(english, answer["translatedText"], strict=True):
        entry.msgstr = text
    po.save()
    _cli(runner, "catalog", "import", "--lang", "ko")
    return english


def test_text_a_tool_got_from_translate_is_a_reviewed_machine_translation(app, client, runner, install_models):
    install_models(app, "en_ko")
    english = _a_tool_fills_the_catalog_through_translate(app, client, runner)

    fields = {field["source_text"]: field for field in _fields(client)}
    for entry in english:
        field = fields[entry.msgid]
        assert (field["provenance"], field.get("reviewed_from")) == ("human", ENGINE), entry.msgid
    again = client.post("/translate", json={"q": english[0].msgid, "source": "en", "target": "ko",
                                            "api_key": TOKEN}).get_json()
    assert again["provenance"] == "machine"


def test_glossary_obeying_text_a_tool_got_from_translate_is_still_machine_translation(app, client, runner,
                                                                                       install_models):
    """With a glossary in force the memory keys a sentence with the terms it used; the import
    looks under that key too, so text that obeyed the glossary is not taken as a person's."""
    from service.translate.glossary import Glossary, make_concept
    from service.translate.glossary_live import put_in_force

    install_models(app, "en_ko")
    put_in_force(app.extensions["kakehashi"].store,
                 Glossary((make_concept("lee", 3, {"en": ["Lee Jae-myung"], "ko": ["이재명"]}),)))
    story = {"id": "arrival", "published": "2025-08-24", "snippets": [
        {"lang": "en", "kind": "headline", "text": "Lee Jae-myung arrived in Tokyo.", "attribution": "Test Wire"},
        {"lang": "en", "kind": "paragraph", "text": "Talks began at noon.", "attribution": "Test Wire"}]}
    assert client.post("/api/v1/stories", json=story, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 201
    english = _a_tool_fills_the_catalog_through_translate(app, client, runner, "arrival")

    fields = {field["source_text"]: field for field in _fields(client, story_id="arrival")}
    with_term = [entry for entry in english if "Lee Jae-myung" in entry.msgid]
    assert with_term and all("이재명" in entry.msgstr for entry in with_term), "the answers obeyed the glossary"
    for entry in english:
        field = fields[entry.msgid]
        assert (field["provenance"], field.get("reviewed_from")) == ("human", ENGINE), entry.msgid
