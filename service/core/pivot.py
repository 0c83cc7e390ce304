"""Which engines translate which pair: direct packages, else two legs through English.

Pure and generic over what stands for an engine (a label in the store, a loaded model in a
worker), so the web tier and the workers agree on routes without sharing model objects.
"""
from __future__ import annotations

from typing import Mapping, TypeVar

PIVOT = "en"
E = TypeVar("E")
Pair = tuple[str, str]


def routes(direct: Mapping[Pair, E]) -> dict[Pair, list[E]]:
    """For every translatable pair, the engines to apply in order (one, or two via English)."""
    found: dict[Pair, list[E]] = {pair: [engine] for pair, engine in direct.items()}
    for (source, middle), first in direct.items():
        if middle != PIVOT:
            continue
        for (start, target), second in direct.items():
            if start == PIVOT and target != source and (source, target) not in found:
                found[(source, target)] = [first, second]
    return found


def route_label(labels: list[str]) -> str:
    """The engine label stored with a translation: ``argos:ja-en:1.1>argos:en-ko:1.1`` via English."""
    return ">".join(labels)


def current_labels(direct: Mapping[Pair, str]) -> dict[Pair, str]:
    """The label of the engine that would translate each pair now."""
    return {pair: route_label(route) for pair, route in routes(direct).items()}
