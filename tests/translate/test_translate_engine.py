"""Sentences → batched CTranslate2 → text, with real (tiny) packages; pivots; live re-scan."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from service.core.config import Settings
from service.core.errors import TranslationUnavailable
from service.text.sentences import joiner
from service.text.sentences import split as split_sentences
from service.translate.engine import split_long
from service.translate.packages import install_package, remove_package
from service.translate.registry import Translators
from support.synthetic import build_package

LIMIT = 50 * 1024 * 1024


@pytest.fixture
def mt_settings(tmp_path) -> Settings:
    return Settings(instance_dir=tmp_path, mt_max_decoding_length=8, mt_beam_size=2, mt_intra_threads=1)


@pytest.fixture
def translators(mt_settings, mt_packages) -> Translators:
    for name in ("en_ko", "en_ja", "ja_en"):
        install_package(mt_settings.models_dir, getattr(mt_packages, name), LIMIT)
    return Translators(mt_settings, rescan_seconds=0)


def test_splitter_handles_english_abbreviations_and_japanese_punctuation():
    assert split_sentences("Mr. Lee met Mr. Ishiba. They talked.  ", "en") == ["Mr. Lee met Mr. Ishiba.", "They talked."]
    assert split_sentences("お迎えしました。「ありがとう。」と言った！本当？", "ja") == [
        "お迎えしました。", "「ありがとう。」と言った！", "本当？"]
    assert split_sentences("   ", "en") == []
    assert (joiner("ja"), joiner("ko"), joiner("en")) == ("", " ", " ")


def test_long_piece_sequences_are_cut_at_word_starts_not_truncated():
    tokens = ["\u2581w", "a", "b"] * 300
    chunks = split_long(tokens, 200)
    assert [t for chunk in chunks for t in chunk] == tokens
    assert all(len(chunk) <= 200 and chunk[0].startswith("\u2581") for chunk in chunks)


def test_engines_lists_direct_pairs_and_pivots_through_english(translators):
    assert translators.engines() == {
        ("en", "ko"): "argos:en-ko:1.1", ("en", "ja"): "argos:en-ja:1.1", ("ja", "en"): "argos:ja-en:1.1",
        ("ja", "ko"): "argos:ja-en:1.1>argos:en-ko:1.1"}
    described = translators.describe()
    assert [p["pair"] for p in described["installed"]] == ["en-ja", "en-ko", "ja-en"]
    assert described["pivots"] == [{"pair": "ja-ko", "from": "ja", "to": "ko", "via": "en",
                                    "engine": "argos:ja-en:1.1>argos:en-ko:1.1"}]
    assert all(p["size_bytes"] > 0 and not p["loaded"] for p in described["installed"])
    assert "path" not in str(described)


def test_translate_keeps_order_lines_and_empties(translators):
    texts = ["Lee visited Tokyo. He met Ishiba.", "", "First line.\nSecond line.", "Lee visited Tokyo. He met Ishiba."]
    out, engine = translators.translate("en", "ko", texts)
    assert engine == "argos:en-ko:1.1"
    assert len(out) == 4 and out[1] == "" and out[0] == out[3] and out[0]
    assert out[2].count("\n") == 1
    assert translators.describe()["installed"][1]["loaded"] is True


def test_japanese_output_is_joined_without_spaces_between_sentences(translators):
    one, _ = translators.translate("en", "ja", ["Lee visited Tokyo."])
    two, _ = translators.translate("en", "ja", ["Lee visited Tokyo. Lee visited Tokyo."])
    assert two[0] == one[0] + one[0]


def test_pivot_goes_through_both_models(translators):
    progress = []
    out, engine = translators.translate("ja", "ko", ["日本の首相と会談しました。安定した関係です。"],
                                        progress=lambda done, total: progress.append((done, total)))
    assert engine == "argos:ja-en:1.1>argos:en-ko:1.1"
    assert out[0]
    assert progress[-1] == (4, 4)
    with pytest.raises(TranslationUnavailable):
        translators.translate("ko", "ja", ["안녕하세요."])


def test_a_model_installed_by_another_process_is_picked_up_without_restart(mt_settings, mt_packages):
    translators = Translators(mt_settings, rescan_seconds=0)
    assert translators.engines() == {}
    install_package(mt_settings.models_dir, mt_packages.en_ko, LIMIT)
    assert translators.engines() == {("en", "ko"): "argos:en-ko:1.1"}
    install_package(mt_settings.models_dir, mt_packages.en_ko_v2, LIMIT)
    assert translators.translate("en", "ko", ["Hello."])[1] == "argos:en-ko:1.2"
    remove_package(mt_settings.models_dir, "en-ko")
    assert translators.engines() == {}


def test_target_prefix_of_multilingual_packages_is_sent_and_stripped(mt_settings, tmp_path):
    package = build_package(tmp_path / "prefixed", "en", "ko", "1.0", seed=5, target_prefix="__ko__")
    install_package(mt_settings.models_dir, package, LIMIT)
    out, _ = Translators(mt_settings).translate("en", "ko", ["Lee visited Tokyo."])
    assert out[0] and not out[0].startswith("__ko__")


def test_serving_path_imports_neither_argostranslate_nor_torch(translators, mt_settings):
    """Translating in a fresh process must not pull in argostranslate.translate, torch, stanza or spaCy."""
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from service.core.config import Settings
        from service.translate.registry import Translators
        settings = Settings(instance_dir=Path({str(mt_settings.instance_dir)!r}), mt_max_decoding_length=8)
        print(Translators(settings).translate("en", "ko", ["Lee visited Tokyo."])[1])
        heavy = sorted(m for m in ("argostranslate", "torch", "stanza", "spacy", "ctranslate2.specs") if m in sys.modules)
        print("heavy:", heavy)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["argos:en-ko:1.1", "heavy: []"]
