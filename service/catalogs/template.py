"""The entries a catalog should have now: one per distinct (msgctxt, source text) of the fields.

The msgctxt is ``<story-id>/<role>`` (``Field.context``), so the same words in two roles or two
stories can be translated differently; each entry lists where it is used as ``#:`` references
``stories/<story-id>:<snippet index>``. Order is by story, then snippet, then role, so a
translator reads a story top to bottom and the order never depends on the database.
"""
from __future__ import annotations

from typing import Any, Iterable

from ..domain import FIELD_ROLES, Field
from .poformat import Entry

_ROLE_ORDER = {role: index for index, role in enumerate(FIELD_ROLES)}


def needs_translation(field: Field, lang: str | None) -> bool:
    """A field goes into ``lang``'s catalog when it is written in another language (the template,
    ``lang=None``, has them all). Empty text has nothing to translate (and an empty msgid is
    the header)."""
    return bool(field.source_text.strip()) and (lang is None or field.source_lang != lang)


def entry_order(entry: Entry) -> tuple[Any, ...]:
    story, _, role = (entry.context or "").rpartition("/")
    first = min((n for _, n in entry.locations if n is not None), default=-1)
    return (story, first, _ROLE_ORDER.get(role, len(_ROLE_ORDER)), entry.msgid)


def template_entries(fields: Iterable[Field], lang: str | None) -> list[Entry]:
    grouped: dict[tuple[Any, ...], Entry] = {}
    for field in fields:
        if not needs_translation(field, lang):
            continue
        key = (field.context, field.source_text)
        entry = grouped.setdefault(key, Entry(msgid=field.source_text, context=field.context,
                                              source_lang=field.source_lang))
        location = (f"stories/{field.story_id}", field.source_index)
        if location not in entry.locations:
            entry.locations.append(location)
        if field.role == "quote" and field.attribution:
            comment = f"attribution: {field.attribution}"
            if comment not in entry.auto_comments:
                entry.auto_comments.append(comment)
    for entry in grouped.values():
        entry.locations.sort(key=lambda loc: (loc[0], -1 if loc[1] is None else loc[1]))
    return sorted(grouped.values(), key=entry_order)
