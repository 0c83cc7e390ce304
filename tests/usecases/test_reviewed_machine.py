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

from service.http.wiring import memory_first_backend
from service.libretranslate import use_backend
from service.translate.memory import translators_call
from support.app import DEMO_ID, TOKEN
from support.catalog_fixtures import story_file

ENGINE = "argos:en-ko:1.1"


def _fields(client, lang="ko") -> list[dict]:
    story = client.get(f"/api/v1/stories/{DEMO_ID}?lang={lang}").get_json()
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


def test_text_a_tool_got_from_translate_is_a_reviewed_machine_translation(app, client, runner, install_models):
    """What transpolibre does: ask /translate for each msgid and write the answer, not fuzzy."""
    install_models(app, "en_ko")
    services = app.extensions["kakehashi"]
    use_backend(app, memory_first_backend(services, translators_call(services.translators)))
    _cli(runner, "catalog", "export", "--lang", "ko")            # no machine text stored yet: empty msgstrs
    path = story_file(app.config["KAKEHASHI"].translations_dir, "ko", DEMO_ID)
    po = polib.pofile(str(path))
    english = [entry for entry in po if not entry.obsolete and not entry.msgstr and entry.msgid.isascii()]
    assert english
    answer = client.post("/translate", json={"q": [entry.msgid for entry in english], "source": "en", "target": "ko",
                                             "api_key": TOKEN}).get_json()
    for entry, text in zip(english, answer["translatedText"], strict=True):
        entry.msgstr = text
    po.save()
    _cli(runner, "catalog", "import", "--lang", "ko")

    fields = {field["source_text"]: field for field in _fields(client)}
    for entry in english:
        field = fields[entry.msgid]
        assert (field["provenance"], field.get("reviewed_from")) == ("human", ENGINE), entry.msgid
    again = client.post("/translate", json={"q": english[0].msgid, "source": "en", "target": "ko",
                                            "api_key": TOKEN}).get_json()
    assert again["provenance"] == "machine"
