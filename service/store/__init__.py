"""Storage: SQLAlchemy tables, engine/session handling, queries and Alembic migrations.

The only package that imports SQLAlchemy (ruff TID251); others use ``Session`` as an opaque unit
of work and call the query functions and repositories here.
"""
from sqlalchemy.orm import Session

from .glossary import GlossaryRow
from .memory import SentenceMemoryRow
from .models import (
                     Base,
                     CatalogFileRow,
                     CatalogFuzzyRow,
                     CatalogStateRow,
                     FieldRow,
                     HumanTranslationRow,
                     MachineTranslationRow,
                     SnippetRow,
                     StoryRow,
)
from .search import SearchDocRow
from .session import Store, make_store

__all__ = ["Session", "Store", "make_store", "Base", "StoryRow", "SnippetRow", "FieldRow", "MachineTranslationRow",
           "HumanTranslationRow", "CatalogStateRow", "CatalogFileRow", "CatalogFuzzyRow", "SentenceMemoryRow",
           "SearchDocRow", "GlossaryRow"]
