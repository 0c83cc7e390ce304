"""One module owns each text rule: scripts (Hangul, kana, kanji), control and bidi characters,
URLs. Detection, the API, the catalogs and protection all import it."""
from __future__ import annotations

import re

import pytest

from service.core import textrules
from service.core.config import PROJECT_ROOT
from service.libretranslate.detect import detect


def test_japanese_is_exactly_kana_and_kanji():
    japanese, kana, kanji = (re.compile(f"[{ranges}]") for ranges in (textrules.JAPANESE, textrules.KANA, textrules.KANJI))
    differ = [hex(code) for code in range(0x10000)
              if bool(japanese.match(chr(code))) != bool(kana.match(chr(code)) or kanji.match(chr(code)))]
    assert differ == []


@pytest.mark.parametrize("char, script", [("한", "hangul"), ("ᄀ", "hangul"), ("ㄱ", "hangul"), ("か", "kana"),
                                          ("カ", "kana"), ("ｶ", "kana"), ("ㇰ", "kana"), ("漢", "han"), ("㐀", "han"),
                                          ("a", "latin"), ("é", "latin"), ("1", None), ("。", None), ("Ж", None)])
def test_the_script_of_a_character(char, script):
    assert textrules.script(char) == script


def test_detection_and_source_language_read_the_same_scripts():
    assert detect("서울에서 회담이 열렸다")[0]["language"] == "ko"
    assert detect("会談は有意義だった")[0]["language"] == "ja"
    assert textrules.detect_source_lang("石破茂") == "ja" and textrules.detect_source_lang("Seoul") == "en"


SCRIPT_RANGES = re.compile(r"(?i)\\uac00|0xac00|\\u3040|0x3040|\\u4e00|0x4e00")
CONTROL_RANGES = re.compile(r"\\u202a|\\x7f-\\x9f|0x202a")


def test_no_module_but_textrules_spells_a_script_or_control_range():
    spelled = [str(path.relative_to(PROJECT_ROOT)) for path in sorted((PROJECT_ROOT / "service").rglob("*.py"))
               if path.name != "textrules.py"
               and (SCRIPT_RANGES.search(text := path.read_text(encoding="utf-8")) or CONTROL_RANGES.search(text))]
    assert spelled == []
