"""A translator's edit of one story-text entry, whatever the catalog layout.

The layout of ``translations/<lang>/`` may be one ``LC_MESSAGES/content.po`` per language or
many small files (one per story, under ``LC_MESSAGES/content/...``). A translator does not
care: they open the file that holds the entry. So does this helper: it scans the language's
folder recursively for the ``*.po`` file with a live (not obsolete) entry whose ``msgctxt`` is
the one asked for. Only this module knows how files are found; adapt it here if the layout moves.
"""
from __future__ import annotations

import os
from pathlib import Path

import polib


def find_entry_file(translations_dir: Path, lang: str, msgctxt: str) -> Path | None:
    """The ``*.po`` file under ``translations_dir/lang`` with a live entry for ``msgctxt``."""
    needle = f'msgctxt "{msgctxt}"'
    for path in sorted(Path(translations_dir, lang).rglob("*.po")):
        if not path.is_file() or needle not in path.read_text(encoding="utf-8", errors="replace"):
            continue                               # cheap filter before parsing
        if _live_entry(polib.pofile(str(path)), msgctxt) is not None:
            return path
    return None


def _live_entry(catalog: polib.POFile, msgctxt: str) -> polib.POEntry | None:
    return next((e for e in catalog if e.msgctxt == msgctxt and not e.obsolete), None)


def save_atomically(path: Path, text: str) -> None:
    """Write a whole file and rename it into place, as editors and ``export`` do: a watcher sees
    the old file or the new one, never half of one. The temporary name does not end in ``.po``."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.saving")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def translate_entry(path: Path, msgctxt: str, msgstr: str, broken: bool = False) -> str:
    """Set the live ``msgctxt`` entry's ``msgstr`` as reviewed (not fuzzy, no previous msgid) and
    save atomically; returns the entry's msgid. ``broken`` saves the file cut off in the middle of
    that msgstr instead (an unterminated string), which an import must reject whole."""
    catalog = polib.pofile(str(path))
    entry = _live_entry(catalog, msgctxt)
    if entry is None:
        raise LookupError(f"{path} has no live entry {msgctxt!r}")
    entry.msgstr = msgstr
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
    text = catalog.__unicode__()
    if broken:
        marker = f'msgstr "{msgstr}"'
        assert marker in text, "the new msgstr is on one line"
        text = text.replace(marker, f'msgstr "{msgstr}', 1)
    save_atomically(path, text)
    return entry.msgid
