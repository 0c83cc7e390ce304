"""Storage: SQLAlchemy tables, engine/session handling and Alembic migrations."""
from .memory import SentenceMemoryRow
from .models import (
                     Base,
                     CatalogFuzzyRow,
                     CatalogStateRow,
                     FieldRow,
                     HumanTranslationRow,
                     MachineTranslationRow,
                     SnippetRow,
                     StoryRow,
)
from .session import Store, make_store

__all__ = ["Store", "make_store", "Base", "StoryRow", "SnippetRow", "FieldRow", "MachineTranslationRow",
           "HumanTranslationRow", "CatalogStateRow", "CatalogFuzzyRow", "SentenceMemoryRow"]
