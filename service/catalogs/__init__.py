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
from .limits import PROBLEMS_KEPT, clip

DOMAIN = "content"
CATALOG_LANGUAGES = READING_LANGUAGES


def po_path(translations_dir: Path, lang: str) -> Path:
    return Path(translations_dir) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def pot_path(translations_dir: Path) -> Path:
    return Path(translations_dir) / f"{DOMAIN}.pot"


def state_key(translations_dir: Path, path: Path) -> str:
    """The catalog's name in ``CatalogStateRow``: relative to the catalogs folder, so every
    process (and a CLI run from another directory) agrees on it. Only the folders are resolved,
    never the file: a catalog that is a symlink keeps its own name (it used to become the link
    target's path, a second row that no later fix of the file ever cleared)."""
    path = Path(path)
    try:
        return (path.parent.resolve() / path.name).relative_to(Path(translations_dir).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def catalog_keys(translations_dir: Path) -> dict[str, str]:
    """Each catalog's state key and its language: the only rows ``/healthz`` reports."""
    return {state_key(translations_dir, po_path(translations_dir, lang)): lang for lang in CATALOG_LANGUAGES}


@dataclass(frozen=True)
class Problem:
    """One ``file:line: reason``. The reason is clipped to ``CONTEXT_CHARS``: reasons may quote
    the file, and a file may be 50 MB on one line."""
    path: str
    line: int
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", clip(self.reason))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class CatalogError(Exception):
    """A catalog file that is rejected whole; ``problems`` say where and why, ``file:line: reason``."""

    def __init__(self, problems: list[Problem], more: int = 0):
        """At most ``PROBLEMS_KEPT`` problems are kept; ``more`` counts the others."""
        problems = list(problems)
        self.more = more + max(0, len(problems) - PROBLEMS_KEPT)
        self.problems = problems[:PROBLEMS_KEPT]
        lines = [str(p) for p in self.problems]
        if self.more:
            lines.append(f"(and {self.more} more problem(s) in the same file)")
        super().__init__("\n".join(lines))

    @property
    def first(self) -> Problem:
        return self.problems[0]
