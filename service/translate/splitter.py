"""Sentence splitting for translation: pysbd for English and Japanese, never argostranslate's.

argostranslate's default splitter (MiniSBD) downloads a model on first use, which fails
offline; pysbd is rule-based, pure Python and fast. Models are trained on single sentences,
so we translate sentence by sentence (in batches) and join the results again.

pysbd's ``Segmenter`` keeps per-call state on the instance, so each thread gets its own
segmenters (built once per thread and language, they are cheap to reuse).
"""
from __future__ import annotations

import re
import threading

import pysbd

# pysbd knows these (not Korean); anything else falls back to English rules (. ! ? and quotes).
_PYSBD_LANGUAGES = {"am", "ar", "bg", "da", "de", "el", "en", "es", "fa", "fr", "hi", "hy", "it", "ja", "kk",
                    "mr", "my", "nl", "pl", "ru", "sk", "ur", "zh"}
_local = threading.local()


def _segmenter(lang: str) -> pysbd.Segmenter:
    cache = getattr(_local, "segmenters", None)
    if cache is None:
        cache = _local.segmenters = {}
    code = lang if lang in _PYSBD_LANGUAGES else "en"
    if code not in cache:
        cache[code] = pysbd.Segmenter(language=code, clean=False)
    return cache[code]


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of one line of text, stripped; no empty strings."""
    if not text.strip():
        return []
    try:
        pieces = _segmenter(lang).segment(text)
    except Exception:  # noqa: BLE001 - a splitter bug must not lose the text: translate it whole
        pieces = [text]
    return [piece.strip() for piece in pieces if piece.strip()]


def split_lines(text: str) -> list[str]:
    """Lines of a text; line breaks are kept as they are, only sentences are translated."""
    return re.split(r"\r?\n", text)


def joiner(lang: str) -> str:
    """How translated sentences are put back together: Japanese and Chinese use no spaces."""
    return "" if lang in ("ja", "zh") else " "
