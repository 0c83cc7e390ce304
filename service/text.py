"""Facts about text that several layers need: scripts, control characters, sentence segmenters."""
from __future__ import annotations

import re
import threading

import pysbd

JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# pysbd knows these (not Korean); anything else falls back to English rules (. ! ? and quotes).
PYSBD_LANGUAGES = frozenset({"am", "ar", "bg", "da", "de", "el", "en", "es", "fa", "fr", "hi", "hy", "it", "ja",
                             "kk", "mr", "my", "nl", "pl", "ru", "sk", "ur", "zh"})
_local = threading.local()


def detect_source_lang(text: str) -> str:
    """'ja' for text with kana or kanji, else 'en' (the only two source languages)."""
    return "ja" if JAPANESE_SCRIPT.search(text) else "en"


def segmenter(lang: str) -> pysbd.Segmenter:
    """This thread's pysbd segmenter for ``lang``.

    pysbd keeps per-call state on the instance, so a segmenter shared by the server's threads
    silently mixes up their texts; one per thread and language is cheap to keep.
    """
    cache = getattr(_local, "segmenters", None)
    if cache is None:
        cache = _local.segmenters = {}
    code = lang if lang in PYSBD_LANGUAGES else "en"
    if code not in cache:
        cache[code] = pysbd.Segmenter(language=code, clean=False)
    return cache[code]
