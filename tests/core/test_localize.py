"""The resolver's order of trust, with in-memory fakes at both seams."""
from service.core.domain import Field
from service.core.localize import NoTranslations, Resolver, coverage


class FakeHuman:
    def __init__(self, table):
        self.table, self.calls = table, 0

    def lookup(self, lang, keys):
        self.calls += 1
        return {key: self.table[(lang, *key)] for key in keys if (lang, *key) in self.table}


class FakeMachine(FakeHuman):
    pass


def field(text, lang="en", role="point", position=1):
    return Field(story_id="s", role=role, position=position, source_index=position, source_lang=lang,
                 source_text=text)


def test_human_beats_machine_beats_source():
    fields = [field("A", position=0), field("B", position=1), field("C", position=2)]
    human = FakeHuman({("ko", "s/point", "A"): "가"})
    machine = FakeMachine({("ko", "en", "A"): ("기계 가", "argos:en-ko:1.1"),
                           ("ko", "en", "B"): ("기계 나", "argos:en-ko:1.1")})
    a, b, c = Resolver(human, machine).localize(fields, "ko")
    assert (a.text, a.provenance, a.lang, a.engine) == ("가", "human", "ko", None)
    assert (b.text, b.provenance, b.engine) == ("기계 나", "machine", "argos:en-ko:1.1")
    assert (c.text, c.provenance, c.lang, c.engine) == ("C", "source", "en", None)
    assert all(item.source_text == f.source_text and item.source_lang == "en" for item, f in zip((a, b, c), fields, strict=True))
    assert (human.calls, machine.calls) == (1, 1)


def test_field_in_the_reading_language_is_source_even_with_translations():
    human = FakeHuman({("en", "s/point", "A"): "nope"})
    (item,) = Resolver(human, NoTranslations()).localize([field("A")], "en")
    assert (item.provenance, item.text, item.lang) == ("source", "A", "en")


def test_human_translation_is_tied_to_its_context_and_source_text():
    human = FakeHuman({("ko", "s/title", "A"): "제목", ("ko", "s/point", "old text"): "옛 번역"})
    title, point = Resolver(human, NoTranslations()).localize(
        [field("A", role="title", position=0), field("new text", position=1)], "ko")
    assert title.provenance == "human"
    assert point.provenance == "source"


def test_empty_human_text_is_not_human():
    (item,) = Resolver(FakeHuman({("ko", "s/point", "A"): ""}), NoTranslations()).localize([field("A")], "ko")
    assert item.provenance == "source"


def test_coverage_counts_each_kind():
    fields = [field("A", position=0), field("B", position=1), field("x", lang="ja", position=2)]
    human = FakeHuman({("ja", "s/point", "A"): "エー"})
    machine = FakeMachine({("ja", "en", "B"): ("ビー", "argos:en-ja:1.1")})
    assert coverage(Resolver(human, machine).localize(fields, "ja")) == {"human": 1, "machine": 1, "source": 1}


def test_localized_field_json_shape():
    (item,) = Resolver(NoTranslations(), NoTranslations()).localize([field("A")], "ja")
    assert item.as_json() == {"text": "A", "lang": "en", "provenance": "source", "source_lang": "en",
                              "source_text": "A", "engine": None, "pending": False}


def test_a_source_fallback_with_a_current_engine_is_pending():
    engines = {("en", "ja"): "argos:en-ja:1.1"}
    machine = FakeMachine({("ja", "en", "B"): ("ビー", "argos:en-ja:1.1")})
    queued, done, native = Resolver(NoTranslations(), machine, engines).localize(
        [field("A", position=0), field("B", position=1), field("x", lang="ja", position=2)], "ja")
    assert (queued.provenance, queued.pending) == ("source", True)
    assert (done.provenance, done.pending, native.pending) == ("machine", False, False)
    (no_model,) = Resolver(NoTranslations(), NoTranslations(), engines).localize([field("A")], "ko")
    assert no_model.pending is False, "no model for the pair: nothing is queued"
