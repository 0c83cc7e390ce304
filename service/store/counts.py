"""Coverage counted in the database: how many fields are human, machine or source per language.

Totals over the whole archive are aggregate queries (indexed ``EXISTS`` per field), so they
never load the archive into Python; per-story rows are counted by the resolver for one page.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Exists

from .chunking import chunks
from .models import CatalogFuzzyRow, FieldRow, HumanTranslationRow, MachineTranslationRow

Pair = tuple[str, str]
_CONTEXT = FieldRow.story_id + "/" + FieldRow.role


def _human(lang: str) -> Exists:
    return exists().where(HumanTranslationRow.lang == lang, HumanTranslationRow.context == _CONTEXT,
                          HumanTranslationRow.source_hash == FieldRow.source_hash, HumanTranslationRow.text != "")


def _machine(lang: str, engine: str | None) -> Exists:
    condition = and_(MachineTranslationRow.source_hash == FieldRow.source_hash,
                     MachineTranslationRow.target_lang == lang)
    if engine is not None:          # no model for the pair: the newest stored text is served
        condition = and_(condition, MachineTranslationRow.engine == engine)
    return exists().where(condition)


def _fuzzy(lang: str) -> Exists:
    return exists().where(CatalogFuzzyRow.lang == lang, CatalogFuzzyRow.context == _CONTEXT,
                          CatalogFuzzyRow.source_hash == FieldRow.source_hash)


def totals(session: Session, lang: str, current: Mapping[Pair, str]) -> dict[str, int]:
    """``fields, native, human, machine, source, fuzzy`` over every story, for ``lang``."""
    counts = dict.fromkeys(("fields", "native", "human", "machine", "source", "fuzzy"), 0)
    for source_lang, fields in session.execute(select(FieldRow.source_lang, func.count())
                                               .group_by(FieldRow.source_lang)):
        counts["fields"] += fields
        if source_lang == lang:
            counts["native"] += fields
            counts["source"] += fields
            continue
        human, machine = _human(lang), _machine(lang, current.get((source_lang, lang)))
        row = session.execute(select(
            func.sum(case((human, 1), else_=0)),
            func.sum(case((~human & machine, 1), else_=0)),
            func.sum(case((~human & _fuzzy(lang), 1), else_=0)),
        ).where(FieldRow.source_lang == source_lang)).one()
        served_human, served_machine, fuzzy = (value or 0 for value in row)
        counts["human"] += served_human
        counts["machine"] += served_machine
        counts["source"] += fields - served_human - served_machine
        counts["fuzzy"] += fuzzy
    return counts


def fuzzy_keys(session: Session, lang: str, contexts: Iterable[str]) -> set[tuple[str, str]]:
    """(msgctxt, source hash) of the fuzzy catalog entries among ``contexts``."""
    found: set[tuple[str, str]] = set()
    for chunk in chunks(sorted(set(contexts))):
        found.update((context, digest) for context, digest in session.execute(
            select(CatalogFuzzyRow.context, CatalogFuzzyRow.source_hash)
            .where(CatalogFuzzyRow.lang == lang, CatalogFuzzyRow.context.in_(chunk))))
    return found
