"""Storage: SQLAlchemy tables, engine/session handling and Alembic migrations."""
from .session import Store, make_store
from .models import (Base, CatalogFuzzyRow, CatalogStateRow, FieldRow, HumanTranslationRow, MachineTranslationRow,
                     SnippetRow, StoryRow)
from .memory import SentenceMemoryRow

__all__ = ["Store", "make_store", "Base", "StoryRow", "SnippetRow", "FieldRow", "MachineTranslationRow",
           "HumanTranslationRow", "CatalogStateRow", "CatalogFuzzyRow", "SentenceMemoryRow"]
