"""Answering a LibreTranslate request: texts and HTML documents through the backend.

Texts with nothing to translate (no letter or digit) are returned as they came; an HTML
document is translated text node by text node and put back together around its markup.
"""
from __future__ import annotations

import logging

from ..usecases.translating import BackendFailed, PairUnavailable, TranslationBackend, TranslationResult
from .markup import Document
from .requests import Refused, language_name

log = logging.getLogger(__name__)


def _translatable(text: str) -> bool:
    return any(char.isalnum() for char in text)


def _call(backend: TranslationBackend, texts: list[str], source: str, target: str,
          alternatives: int) -> list[TranslationResult]:
    try:
        return backend.translate(texts, source, target, alternatives)
    except PairUnavailable:
        raise Refused(400, f"{language_name(target)} ({target}) is not available as a target language "
                           f"from {language_name(source)} ({source})") from None
    except BackendFailed as error:
        log.error("translation %s-%s failed: %s", source, target, error)
        raise Refused(500, f"Cannot translate text: {error}") from None


def answer_texts(backend: TranslationBackend, texts: list[str], indexes: list[int], source: str, target: str,
                 alternatives: int, translated: list[str], others: list[list[str]], provenance: list[str]) -> None:
    """Fill ``translated``, ``others`` and ``provenance`` at ``indexes`` (texts from ``source``)."""
    wanted = [i for i in indexes if _translatable(texts[i])]
    if not wanted:
        return
    results = _call(backend, [texts[i] for i in wanted], source, target, alternatives)
    for i, result in zip(wanted, results, strict=True):
        translated[i] = result.text
        others[i] = list(result.alternatives)
        provenance[i] = result.provenance


def answer_html(backend: TranslationBackend, documents: list[Document], indexes: list[int], source: str, target: str,
                translated: list[str], provenance: list[str]) -> None:
    """The same for HTML documents: one backend call over all their text nodes, markup kept."""
    nodes = [(i, node) for i in indexes for node in documents[i].texts()]
    results = _call(backend, [node for _i, node in nodes], source, target, 0) if nodes else []
    cursor = 0
    for i in indexes:
        count = len(documents[i].nodes)
        mine = results[cursor:cursor + count]
        translated[i] = documents[i].render([r.text for r in mine])
        if mine:
            kinds = {r.provenance for r in mine}
            provenance[i] = kinds.pop() if len(kinds) == 1 else "machine"
        cursor += count


