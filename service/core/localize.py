"""The resolver: a field in a reading language is human, else machine, else source. One place.

The two lookups are seams (``HumanTranslations``, ``MachineTranslations``): the store backs
them in the service, in-memory fakes back them in unit tests. Lookups are batched: localizing
any number of fields costs one human and one machine lookup (each a query per chunk of keys),
not one per field.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Mapping, Protocol

from .domain import Field, LocalizedField

# A translator's text, or (text, engine) for an engine's text a translator accepted unchanged.
HumanText = str | tuple[str, str | None]


class HumanTranslations(Protocol):
    def lookup(self, lang: str, keys: Iterable[tuple[str, str]]) -> Mapping[tuple[str, str], HumanText]:
        """Translators' text for (context, source text) keys in ``lang``; missing keys are absent."""


class MachineTranslations(Protocol):
    def lookup(self, lang: str, items: Iterable[tuple[str, str]]) -> Mapping[tuple[str, str], tuple[str, str]]:
        """Current machine text and engine for (source lang, source text) items in ``lang``."""


class NoTranslations:
    """A lookup that knows nothing: every field falls through to the next kind."""

    def lookup(self, lang: str, items: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
        return {}


def source_field(field: Field) -> LocalizedField:
    return LocalizedField(text=field.source_text, lang=field.source_lang, provenance="source",
                          source_lang=field.source_lang, source_text=field.source_text)


class Resolver:
    def __init__(self, human: HumanTranslations, machine: MachineTranslations,
                 engines: Mapping[tuple[str, str], str] | None = None):
        """``engines`` (pair -> current label) marks source fallbacks whose translation is queued
        as ``pending``; without it nothing is marked."""
        self.human = human
        self.machine = machine
        self.engines = engines or {}

    def localize(self, fields: list[Field], lang: str) -> list[LocalizedField]:
        foreign = [f for f in fields if f.source_lang != lang]
        human = self.human.lookup(lang, {(f.context, f.source_text) for f in foreign}) if foreign else {}
        still_missing = [f for f in foreign if (f.context, f.source_text) not in human]
        machine = (self.machine.lookup(lang, {(f.source_lang, f.source_text) for f in still_missing})
                   if still_missing else {})
        resolved = [self._resolve(f, lang, human, machine) for f in fields]
        return [replace(item, pending=True) if is_pending(f, item, lang, self.engines) else item
                for f, item in zip(fields, resolved, strict=True)]

    @staticmethod
    def _resolve(field: Field, lang: str, human: Mapping[tuple[str, str], HumanText],
                 machine: Mapping[tuple[str, str], tuple[str, str]]) -> LocalizedField:
        if field.source_lang == lang:
            return source_field(field)
        found_human = human.get((field.context, field.source_text))
        text, reviewed_from = (found_human, None) if found_human is None or isinstance(found_human, str) else found_human
        if text:
            return LocalizedField(text=text, lang=lang, provenance="human", source_lang=field.source_lang,
                                  source_text=field.source_text, reviewed_from=reviewed_from)
        found = machine.get((field.source_lang, field.source_text))
        if found:
            text, engine = found
            return LocalizedField(text=text, lang=lang, provenance="machine",
                                  source_lang=field.source_lang, source_text=field.source_text, engine=engine)
        return source_field(field)


def coverage(localized: Iterable[LocalizedField]) -> dict[str, int]:
    counts = {"human": 0, "machine": 0, "source": 0}
    for item in localized:
        counts[item.provenance] += 1
    return counts


def is_pending(field: Field, resolved: LocalizedField, lang: str, engines: Mapping[tuple[str, str], str]) -> bool:
    """Is ``field`` served in ``lang`` as source only because its machine translation is queued?

    True when it resolved to ``source`` although it is in another language, has text, and an
    engine is current for its pair (``engines``: pair -> label, pivots included): the machine
    lookup returns only the current engine's row, so none is stored yet and a worker will store
    one. False for a field in the reading language, an empty one, or a pair with no model (that
    one stays source until a model is installed: nothing is pending).
    """
    return (resolved.provenance == "source" and field.source_lang != lang and bool(field.source_text.strip())
            and (field.source_lang, lang) in engines)
