"""Sentence splitting for translation: the service's own splitter, never argostranslate's.

argostranslate's default splitter (MiniSBD) downloads a model on first use, which fails
offline. Models are trained on single sentences, so we translate sentence by sentence (in
batches) and join the results again. The sentences are those of ``service.sentences``, the
same the summaries are made of.
"""
from __future__ import annotations

import re

from .. import sentences


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of one line of text, stripped; no empty strings."""
    return sentences.split(text, lang)


def split_lines(text: str) -> list[str]:
    """Lines of a text; line breaks are kept as they are, only sentences are translated."""
    return re.split(r"\r?\n", text)


def joiner(lang: str) -> str:
    """How translated sentences are put back together: Japanese and Chinese use no spaces."""
    return "" if lang in ("ja", "zh") else " "
