"""Sentence splitting for translation: pysbd for English and Japanese, never argostranslate's.

argostranslate's default splitter (MiniSBD) downloads a model on first use, which fails
offline; pysbd is rule-based, pure Python and fast. Models are trained on single sentences,
so we translate sentence by sentence (in batches) and join the results again.

The segmenters are ``service.text``'s: one per thread and language (pysbd keeps per-call
state on the instance, so sharing one between threads mixes up their texts).
"""
from __future__ import annotations

import re

from ..text import segmenter as _segmenter


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
