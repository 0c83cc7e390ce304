"""Translators' catalogs of story text: ``translations/<lang>/LC_MESSAGES/content.po``.

The store is what the service serves from; the ``.po`` files are where translators work.
``export`` merges the current fields (and the store's human translations) into the files,
``import`` takes the files' reviewed msgstrs into the store, and the watcher runs that import
whenever a file changes, in every worker process. Nothing here ever drops a translator's
msgstr: see ``merge`` for the rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import READING_LANGUAGES

DOMAIN = "content"
CATALOG_LANGUAGES = READING_LANGUAGES


def po_path(translations_dir: Path, lang: str) -> Path:
    return Path(translations_dir) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def pot_path(translations_dir: Path) -> Path:
    return Path(translations_dir) / f"{DOMAIN}.pot"


def state_key(translations_dir: Path, path: Path) -> str:
    """The catalog's name in ``CatalogStateRow``: relative to the catalogs folder, so every
    process (and a CLI run from another directory) agrees on it."""
    try:
        return Path(path).resolve().relative_to(Path(translations_dir).resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class CatalogError(Exception):
    """A catalog file that is rejected whole; ``problems`` say where and why, ``file:line: reason``."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def first(self) -> Problem:
        return self.problems[0]
