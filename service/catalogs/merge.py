"""What a catalog file should say: its entries from the story's fields, merged with the file a
translator has, without ever dropping their work.

The entries (``template_entries``): one per distinct (msgctxt, source text) of the fields. The
msgctxt is ``<story-id>/<role>`` (``Field.context``), so the same words in two roles or two
stories can be translated differently; each entry lists where it is used as ``#:`` references
``stories/<story-id>:<snippet index>``. Order is by snippet, then role, so a translator reads
a story top to bottom and the order never depends on the database.

The merge rules (``msgmerge``/Babel ``Catalog.update`` semantics, made safe for this product):
- an entry still wanted keeps its msgstr, flags, translator comments and previous msgid; its
  references and extracted comments are refreshed;
- an obsolete (``#~``) entry whose field returns comes back with its msgstr and flags;
- an entry the file lacks, or has with an empty msgstr, gets the store's human translation
  when there is one (the file was deleted or reset; the store keeps every imported msgstr);
- a new entry whose field replaced an old one (same msgctxt and the same snippet reference,
  else text similar enough) gets the old msgstr marked ``fuzzy`` with ``#| msgid`` (the text the
  translation was written for); the old entry is kept as obsolete when it was reviewed, so
  if the source text is reverted its translation comes back exactly;
- entries no longer wanted become obsolete; untranslated ones and unreviewed suggestions are
  dropped, since nothing of a translator's is in them;
- an empty entry whose source text a translator already translated in another story (same
  language) gets that translation as ``fuzzy``, with an extracted comment naming the story:
  the translators' own work first;
- with machine suggestions, entries still empty get the stored machine text as ``fuzzy`` with
  an extracted comment naming the engine. A translator accepts either by removing ``fuzzy``.
Matching is per msgctxt only, so one story's text never lands in another story's entry.
"""
from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any, Iterable, Mapping

from ..core.domain import FIELD_ROLES, Field
from .pofile import Entry

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


MACHINE_COMMENT = "machine translation by {engine}, not reviewed"
MEMORY_COMMENT = "translator's text from story {story}, not reviewed here"
_MACHINE_PREFIX = "machine translation by "
_MEMORY_PREFIX = "translator's text from story "
_SUGGESTION_PREFIXES = (_MACHINE_PREFIX, _MEMORY_PREFIX)
SIMILARITY_CUTOFF = 0.6

Key = tuple[str | None, str]


def is_machine_suggestion(entry: Entry) -> bool:
    """A fuzzy suggestion export wrote (machine text, or another story's human text): nothing of
    this file's translator is in it until they edit it."""
    return entry.fuzzy and any(c.startswith(_SUGGESTION_PREFIXES) for c in entry.auto_comments)


def is_reviewed(entry: Entry) -> bool:
    """A translator's reviewed text: the only kind served as ``human``."""
    return bool(entry.msgstr) and not entry.fuzzy


def _carry(new: Entry, old: Entry) -> Entry:
    fuzzy = old.fuzzy and bool(old.msgstr)
    comments = list(new.auto_comments)
    if fuzzy:
        comments += [c for c in old.auto_comments if c.startswith(_SUGGESTION_PREFIXES)]
    return Entry(msgid=new.msgid, msgstr=old.msgstr, context=new.context,
                 flags=set(old.flags) if fuzzy else set(old.flags) - {"fuzzy"},
                 auto_comments=comments, user_comments=list(old.user_comments),
                 locations=list(new.locations), previous_msgid=old.previous_msgid if fuzzy else None,
                 source_lang=new.source_lang)


def _suggest(new: Entry, entry: Entry, text: str, comment: str) -> Entry:
    suggested = _carry(new, entry)
    suggested.msgstr, suggested.previous_msgid = text, None
    suggested.flags.add("fuzzy")
    suggested.auto_comments.append(comment)
    return suggested


def _as_obsolete(entry: Entry) -> Entry:
    return Entry(msgid=entry.msgid, msgstr=entry.msgstr, context=entry.context,
                 flags={"fuzzy"} & entry.flags, user_comments=list(entry.user_comments), obsolete=True)


def _similarity(new: Entry, old: Entry) -> tuple[bool, float]:
    shared = bool(set(new.locations) & set(old.locations))
    ratio = SequenceMatcher(None, new.msgid.lower().strip(), old.msgid.lower().strip(), autojunk=False).ratio()
    return shared, ratio


def _fuzzy_pairs(unmatched: list[Entry], candidates: list[Entry]) -> dict[int, Entry]:
    """Best old entry for each new one, greedily by (same snippet, similarity), each used once."""
    scored = []
    for i, new in enumerate(unmatched):
        for j, old in enumerate(candidates):
            if old.context == new.context:
                shared, ratio = _similarity(new, old)
                if shared or ratio >= SIMILARITY_CUTOFF:
                    scored.append(((shared, ratio), i, j))
    scored.sort(key=lambda item: (-item[0][0], -item[0][1], item[1], item[2]))
    pairs, used = {}, set()
    for _, i, j in scored:
        if i not in pairs and j not in used:
            pairs[i] = candidates[j]
            used.add(j)
    return pairs


def merge(template: list[Entry], existing: list[Entry], humans: Mapping[Key, str],
          machine: Mapping[tuple[str, str], tuple[str, str]] | None = None,
          memory: Mapping[tuple[str, str], tuple[str, str]] | None = None) -> list[Entry]:
    """The merged entries: active ones in template order, then obsolete ones sorted.

    ``humans`` maps (msgctxt, msgid) to the store's human text for this language; ``memory``
    maps (source lang, source text) to (text, story id) of a translator's text for the same
    words in another story; ``machine`` maps (source lang, source text) to (text, engine)
    when machine suggestions are wanted.
    """
    active = {e.key: e for e in existing if not e.obsolete}
    obsolete = {e.key: e for e in existing if e.obsolete}
    wanted = {t.key for t in template}
    merged: dict[Key, Entry] = {}
    unmatched = []
    for new in template:
        old = active.get(new.key) or obsolete.pop(new.key, None)
        if old is not None and old.msgstr:
            merged[new.key] = _carry(new, old)
        elif new.key in humans:
            merged[new.key] = _carry(new, Entry(msgid=new.msgid, msgstr=humans[new.key],
                                                user_comments=old.user_comments if old else []))
        else:
            merged[new.key] = _carry(new, old) if old is not None else new
            unmatched.append(merged[new.key])

    leftovers = [e for k, e in active.items() if k not in wanted]
    in_file = set(active) | set(obsolete)
    from_store = [Entry(msgid=k[1], msgstr=text, context=k[0]) for k, text in sorted(humans.items(), key=str)
                  if k not in wanted and k not in in_file]
    candidates = [e for e in leftovers if e.msgstr and not is_machine_suggestion(e)] + from_store
    consumed = set()
    for i, old in _fuzzy_pairs(unmatched, candidates).items():
        new = unmatched[i]
        consumed.add(id(old))
        previous = old.previous_msgid if old.fuzzy and old.previous_msgid else old.msgid
        carried = _carry(new, old)
        carried.flags.add("fuzzy")
        carried.previous_msgid = previous
        carried.auto_comments = [c for c in new.auto_comments if not c.startswith(_SUGGESTION_PREFIXES)]
        carried.user_comments = list(new.user_comments or old.user_comments)
        merged[new.key] = carried

    # A store translation only enters the file as obsolete when it is the original of a fuzzy
    # carry (so a reverted source gets it back from the file too); otherwise the store keeps it
    # and restores it if its field returns, and a translator's purge of #~ entries sticks.
    in_file_ids = {id(e) for e in leftovers}
    for old in leftovers + from_store:
        if id(old) in consumed:
            keep = is_reviewed(old)
        else:
            keep = id(old) in in_file_ids and bool(old.msgstr) and not is_machine_suggestion(old)
        if keep and old.key not in merged:
            obsolete[old.key] = _as_obsolete(old)

    result = []
    for new in template:
        entry = merged[new.key]
        if new.source_lang is not None and (not entry.msgstr or is_machine_suggestion(entry)):
            source = (new.source_lang, new.msgid)
            if memory and source in memory:      # a translator's words replace any earlier suggestion
                text, story = memory[source]
                entry = _suggest(new, Entry(msgid=new.msgid, user_comments=entry.user_comments), text,
                                 MEMORY_COMMENT.format(story=story))
            elif machine and source in machine and not entry.msgstr:
                text, engine = machine[source]
                entry = _suggest(new, entry, text, MACHINE_COMMENT.format(engine=engine))
        result.append(entry)
    rest = sorted((e for k, e in obsolete.items() if k not in wanted), key=lambda e: (e.context or "", e.msgid))
    return result + rest
