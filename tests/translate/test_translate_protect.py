"""Protected spans: URLs, e-mail addresses, @handles, #hashtags and numbers survive translation.

Unit tests of protect/restore, then every kind through the real engine path (tiny random-weight
Argos packages: their output is nonsense, so only the repair can make the spans survive).
"""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.core.config import Settings
from service.translate.packages import install_package
from service.translate.protect import Protected, Span, find_spans, missing, protect, restore
from service.translate.registry import Translators

LIMIT = 50 * 1024 * 1024
SAMPLES = {
    "en": {
        "url": ("Read the full statement at https://www.mofa.go.jp/a_o/na/page1e_000123.html today.",
                "https://www.mofa.go.jp/a_o/na/page1e_000123.html"),
        "email": ("Send corrections to corrections@kakehashi.example.org please.", "corrections@kakehashi.example.org"),
        "handle": ("The prime minister posted on X as @JPN_PMO after the talks.", "@JPN_PMO"),
        "hashtag": ("Readers followed the summit under #JapanKorea on the day.", "#JapanKorea"),
        "number": ("Trade between them reached 3.5% growth, worth 85,000 jobs.", "85,000"),
    },
    "ja": {
        "url": ("全文は https://www.kantei.go.jp/jp/103/statement/ で読めます。", "https://www.kantei.go.jp/jp/103/statement/"),
        "email": ("訂正は info@kantei.go.jp までお寄せください。", "info@kantei.go.jp"),
        "handle": ("石破首相は@kantei で会談について投稿した。", "@kantei"),
        "hashtag": ("会談は#日韓首脳会談 として話題になった。", "#日韓首脳会談"),
        "number": ("両首脳は2025年8月23日に東京で会談した。", "2025"),
    },
}
PAIRS = [("en", "ko"), ("en", "ja"), ("ja", "en")]


# -- protect / restore -------------------------------------------------------------------------
def test_protect_finds_each_kind_and_restore_puts_them_back():
    text = ("Visit https://example.com/a?b=1. Mail jo.doe@example.org, @kakehashi_news #Japan2025 "
            "on 2025-08-23 at 12:30, 3.5% of G7.")
    protected = protect(text)
    assert [span.kind for span in protected.spans] == ["url", "email", "handle", "hashtag", "number", "number",
                                                       "number", "number"]
    assert protected.text == "Visit [0]. Mail [1], [2] [3] on [4] at [5], [6] of [7]."
    assert restore(protected.text, protected, "en") == text


def test_japanese_spans_are_found_next_to_japanese_letters():
    spans = find_spans("石破首相は@kantei で#日韓 について2025年8月23日に https://www.kantei.go.jp/jp/ を更新。")
    assert [(s.kind, s.text) for s in spans] == [
        ("handle", "@kantei"), ("hashtag", "#日韓"), ("number", "2025"), ("number", "8"), ("number", "23"),
        ("url", "https://www.kantei.go.jp/jp/")]


def test_no_false_spans_in_plain_text():
    assert find_spans("The leaders met in Tokyo & talked #1 issues, say a@b or C# fans.") == [Span("number", "1")]
    assert protect("no spans here.") == Protected("no spans here.", ())


def test_restore_repairs_lost_duplicated_and_invented_placeholders():
    protected = protect("Call 110 or see https://police.example/ now.")
    assert protected.text == "Call [0] or see [1] now."
    # [1] lost, [0] twice, [7] invented: [0] once, [7] dropped, the lost URL before the final stop
    assert restore("전화 [0] [0] [7] 지금.", protected, "ko") == "전화 110 지금 https://police.example/."
    assert restore("今すぐ", protected, "ja") == "今すぐ110 https://police.example/"
    assert restore("[ 1 ] and [0]", protected, "en") == "https://police.example/ and 110"
    # no spans at all: invented placeholders are removed
    assert restore("a [3] b", protect("plain"), "en") == "a b"


def test_missing_is_the_check():
    source = "See @a and #b at https://x.example/ or 5."
    assert missing("See @a and #b at https://x.example/ or 5.", source) == []
    assert missing("See @a and b at or 5.", source) == ["#b", "https://x.example/"]


@given(st.text(alphabet=st.sampled_from(list("ab1 .@#:/-%日本はwhtps[]0")), max_size=60),
       st.text(alphabet=st.sampled_from(list("xyz [0]1 .")), max_size=40))
def test_every_span_survives_any_model_output(source, output):
    protected = protect(source)
    for lang in ("en", "ko", "ja"):
        assert missing(restore(output, protected, lang), source) == []


# -- through the real engine path ------------------------------------------------------------
@pytest.fixture(scope="module")
def translators(tmp_path_factory, mt_packages) -> Translators:
    settings = Settings(instance_dir=tmp_path_factory.mktemp("protect"), mt_max_decoding_length=12, mt_beam_size=2)
    for name in ("en_ko", "en_ja", "ja_en"):
        install_package(settings.models_dir, getattr(mt_packages, name), LIMIT)
    return Translators(settings, rescan_seconds=0)


@pytest.mark.parametrize("kind", ["url", "email", "handle", "hashtag", "number"])
@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: "-".join(pair))
def test_each_kind_survives_machine_translation(translators, pair, kind):
    source, span = SAMPLES[pair[0]][kind]
    [output], engine = translators.translate(pair[0], pair[1], [source])
    assert engine == f"argos:{pair[0]}-{pair[1]}:1.1"
    assert span in output, output
    assert missing(output, source) == []


def test_every_span_survives_a_pivot_and_the_n_best(translators):
    source = SAMPLES["ja"]["url"][0] + SAMPLES["ja"]["number"][0]
    [output], engine = translators.translate("ja", "ko", [source])
    assert engine == "argos:ja-en:1.1>argos:en-ko:1.1"
    assert missing(output, source) == []
    sentences = [text for text, _span in SAMPLES["en"].values()]
    ranked, _label = translators.translate_hypotheses("en", "ja", sentences, 2)
    for sentence, hypotheses in zip(sentences, ranked, strict=True):
        assert len(hypotheses) == 2
        assert all(missing(hypothesis, sentence) == [] for hypothesis in hypotheses)


def test_placeholders_are_whole_spans():
    text = "Hi [X6X], %s and %(count)d from {name} or {{ user.name }} in <b>bold</b> and <a href=\"/x\">x</a>."
    spans = [(span.kind, span.text) for span in find_spans(text)]
    assert spans == [("placeholder", "[X6X]"), ("placeholder", "%s"), ("placeholder", "%(count)d"),
                     ("placeholder", "{name}"), ("placeholder", "{{ user.name }}"), ("placeholder", "<b>"),
                     ("placeholder", "</b>"), ("placeholder", '<a href="/x">'), ("placeholder", "</a>")]
    assert find_spans("a < b and c > d, 50% of it") == [Span("number", "50%")]


def test_one_url_rule_for_translation_and_the_catalog_check():
    """What protection keeps is exactly what the catalog check demands back."""
    from service.catalogs.checks import URL as CHECKED
    from service.core.textrules import URL

    assert CHECKED is URL
    text = "See pic.twitter.com/DVFAgKVJgA, example.org/a/b and https://x.example/p?q=1. Not 3.5/10 or e.g. this."
    assert [span.text for span in find_spans(text) if span.kind == "url"] == [
        "pic.twitter.com/DVFAgKVJgA", "example.org/a/b", "https://x.example/p?q=1"]
    assert URL.findall(text) == ["pic.twitter.com/DVFAgKVJgA", "example.org/a/b", "https://x.example/p?q=1"]
