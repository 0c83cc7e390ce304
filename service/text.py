"""Facts about text that several layers need: scripts and control characters (sentences: ``service.sentences``)."""
from __future__ import annotations

import re

JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def detect_source_lang(text: str) -> str:
    """'ja' for text with kana or kanji, else 'en' (the only two source languages)."""
    return "ja" if JAPANESE_SCRIPT.search(text) else "en"
