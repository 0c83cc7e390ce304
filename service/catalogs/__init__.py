"""Translators' catalogs of story text: one small ``.po`` file per story and language.

The store is what the service serves from; the ``.po`` files are where translators work. The
tree (under ``KAKEHASHI_TRANSLATIONS_DIR``), the same relative paths in every language::

    <lang>/LC_MESSAGES/content/<YYYY-MM>/<story-id>.po     a story's text, for translators into <lang>
    templates/content/<YYYY-MM>/<story-id>.pot             the same story's template

``YYYY-MM`` is the story's publication month, so today's stories sit together and no folder
or file grows with the archive: a file holds one story (at most a few hundred KB, bounded by
the API's body limit) and a folder one month. Before this layout each language had one
``content.po`` holding every story; ``export`` splits such a file once (``LEGACY``).

The pipeline walks forward, a module a step: ``safefile`` opens and replaces files without
trusting the file system, ``parse`` reads a file strictly, ``checks`` says what a translation
must keep, ``merge`` decides a file's entries, ``pofile`` writes them, ``export`` and
``importer`` run the pipeline one file at a time, and ``watcher`` imports saved files live.
This module is the vocabulary they share: where files live, what a problem is, the limits.
Nothing here ever drops a translator's msgstr: see ``merge`` for the rules.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..core.config import READING_LANGUAGES, Settings

DOMAIN = "content"
CATALOG_LANGUAGES = READING_LANGUAGES
TEMPLATES = "templates"          # the folder of the .pot files; also the "language" of a template
LEGACY = f"{DOMAIN}.po"          # the one-file-per-language layout, split by the next export
MAX_FILE_BYTES = 1024 * 1024     # what export keeps a file under (obsolete entries go first)
_STORY_ID = re.compile(r"[a-z0-9-]{1,80}")
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")

# --- where files live ---------------------------------------------------------------------


def month_of(published: dt.date) -> str:
    return f"{published:%Y-%m}"


def content_dir(translations_dir: Path, lang: str) -> Path:
    """The folder of one language's story files (``TEMPLATES``: the templates')."""
    if lang == TEMPLATES:
        return Path(translations_dir) / TEMPLATES / DOMAIN
    return Path(translations_dir) / lang / "LC_MESSAGES" / DOMAIN


def story_key(lang: str, story_id: str, published: dt.date) -> str:
    """A story's file for ``lang`` (``TEMPLATES`` for its ``.pot``), relative to the catalogs
    folder: the name the store records it under."""
    if lang == TEMPLATES:
        return f"{TEMPLATES}/{DOMAIN}/{month_of(published)}/{story_id}.pot"
    return f"{lang}/LC_MESSAGES/{DOMAIN}/{month_of(published)}/{story_id}.po"


def story_path(translations_dir: Path, lang: str, story_id: str, published: dt.date) -> Path:
    """A story's file for ``lang`` (``TEMPLATES`` for its ``.pot``)."""
    return Path(translations_dir) / story_key(lang, story_id, published)


def legacy_path(translations_dir: Path, lang: str) -> Path:
    """The single catalog of the old layout (``TEMPLATES``: its ``content.pot``)."""
    if lang == TEMPLATES:
        return Path(translations_dir) / f"{DOMAIN}.pot"
    return Path(translations_dir) / lang / "LC_MESSAGES" / LEGACY


@dataclass(frozen=True)
class CatalogFile:
    """What a path in the tree is: a story's file (``story_id``, ``month``) or a legacy
    ``content.po`` (both None)."""
    path: Path
    lang: str
    story_id: str | None
    month: str | None

    @property
    def legacy(self) -> bool:
        return self.story_id is None


def locate(translations_dir: Path, path: Path) -> CatalogFile:
    """Which catalog ``path`` is, or ``CatalogError`` saying why it is outside the layout."""
    path = Path(path)
    try:                    # as given first: a symlinked folder is then refused by name when opened
        parts = list(path.relative_to(translations_dir).parts)
    except ValueError:
        parts = relative_key(translations_dir, path).split("/")
    if len(parts) == 3 and parts[0] in CATALOG_LANGUAGES and parts[1:] == ["LC_MESSAGES", LEGACY]:
        return CatalogFile(path, parts[0], None, None)
    if (len(parts) == 5 and parts[0] in CATALOG_LANGUAGES and parts[1:3] == ["LC_MESSAGES", DOMAIN]
            and _MONTH.fullmatch(parts[3]) and parts[4].endswith(".po")
            and _STORY_ID.fullmatch(parts[4][:-3])):
        return CatalogFile(path, parts[0], parts[4][:-3], parts[3])
    raise CatalogError([Problem(str(path), 0, "not a file of the catalogs' layout (expected "
                                              "<lang>/LC_MESSAGES/content/<YYYY-MM>/<story-id>.po); not imported")])


def relative_key(translations_dir: Path, path: Path) -> str:
    """A file's name in the store (``CatalogStateRow``, ``CatalogFileRow``): relative to the
    catalogs folder, so every process (and a CLI run from another directory) agrees on it.
    Only the folders are resolved, never the file: a catalog that is a symlink keeps its own
    name."""
    path = Path(path)
    try:
        return (path.parent.resolve() / path.name).relative_to(Path(translations_dir).resolve()).as_posix()
    except ValueError:
        return path.as_posix()

MAX_DEPTH = 3           # content/<YYYY-MM>/<file>: deeper folders are not looked into


def files_on_disk(translations_dir: Path, langs: tuple[str, ...] | list[str] = CATALOG_LANGUAGES,
                  ) -> Iterator[tuple[Path, os.stat_result]]:
    """Every ``.po`` file of the languages' trees (and each legacy ``content.po``), with its
    ``lstat``: one ``scandir`` per folder and one stat per file, never a read, never a followed
    link (a symlinked file is listed, so its import can refuse it by name; a symlinked folder
    is not entered). Hidden files (an editor's ``.#x.po``) are skipped."""
    for lang in langs:
        legacy = legacy_path(translations_dir, lang)
        try:
            yield legacy, os.lstat(legacy)
        except OSError:
            pass
        yield from _walk(content_dir(translations_dir, lang), MAX_DEPTH)


def _walk(folder: Path, depth: int) -> Iterator[tuple[Path, os.stat_result]]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in sorted(entries, key=lambda e: e.name):
        if entry.name.startswith("."):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode):
            if depth > 1:
                yield from _walk(Path(entry.path), depth - 1)
        elif entry.name.endswith(".po"):
            yield Path(entry.path), info


# --- what goes wrong ----------------------------------------------------------------------

GROWTH = 2
PROBLEMS_KEPT = 20          # problems and warnings stored, logged and shown per file
CONTEXT_CHARS = 200         # the most of a reason (and of any file content in it) ever shown


def clip(text: str, limit: int = CONTEXT_CHARS) -> str:
    """At most ``limit`` characters, with an ellipsis when cut: nothing from a file is ever
    echoed at length."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


# --- how much a file may hold -------------------------------------------------------------


@dataclass(frozen=True)
class CatalogLimits:
    """How much a catalog file may hold, from the settings, so a hostile or careless file is
    refused before it costs memory, store space or log space.

    The msgstr bounds follow the API's: a title's translation may be at most twice
    ``max_title_chars``, any other field's at most twice ``max_snippet_chars`` (a translation
    is often longer than its source: Japanese to English roughly doubles the characters). A
    msgid (the source text, which the API bounded when it was written) gets the larger bound.
    A line can hold at most one such string, each character at most 4 bytes (UTF-8, or a
    ``\\x..`` escape), which bounds what is read at once."""
    max_bytes: int = 32 * 1024 * 1024
    max_entries: int = 200_000
    max_export_bytes: int = MAX_FILE_BYTES     # what export keeps a file under (obsolete entries go first)
    max_title_chars: int = GROWTH * 300
    max_text_chars: int = GROWTH * 5000

    @classmethod
    def from_settings(cls, settings: Settings) -> CatalogLimits:
        return cls(max_bytes=settings.max_catalog_bytes, max_entries=settings.max_catalog_entries,
                   max_title_chars=GROWTH * settings.max_title_chars,
                   max_text_chars=GROWTH * settings.max_snippet_chars)

    @property
    def max_string_chars(self) -> int:
        return max(self.max_text_chars, self.max_title_chars)

    @property
    def max_line_bytes(self) -> int:
        return 4 * self.max_string_chars + 1024

    def msgstr_chars(self, context: str | None) -> int:
        """The bound for a msgstr of the field named by ``context`` (``<story-id>/<role>``)."""
        return self.max_title_chars if (context or "").endswith("/title") else self.max_text_chars


DEFAULT_LIMITS = CatalogLimits()
