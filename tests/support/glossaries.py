"""Glossary files for tests, written the way translators' tools write them.

``tbx2`` is what translate-toolkit (and so Weblate) writes, DOCTYPE included; ``tbx3`` is the
ISO 30042:2019 shape with its namespace. ``entries`` maps a concept id to {lang: term or
[terms]}.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

Entries = dict[str, dict[str, "str | list[str]"]]


def _terms(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def tbx2(entries: Entries) -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<!DOCTYPE martif PUBLIC "ISO 12200:1999A//DTD MARTIF core (DXFcdV04)//EN" "TBXcdv04.dtd">',
             '<martif type="TBX" xml:lang="en">', '<martifHeader><fileDesc><sourceDesc><p>test</p></sourceDesc>'
             '</fileDesc></martifHeader>', '<text>', '<body>']
    for concept, langs in entries.items():
        lines.append(f'<termEntry id="{escape(concept)}">')
        for lang, value in langs.items():
            lines.append(f'<langSet xml:lang="{lang}">')
            lines += [f"<tig><term>{escape(term)}</term></tig>" for term in _terms(value)]
            lines.append("</langSet>")
        lines.append("</termEntry>")
    lines += ["</body>", "</text>", "</martif>", ""]
    return "\n".join(lines)


def tbx3(entries: Entries) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">',
             "<tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>", "<text>", "<body>"]
    for concept, langs in entries.items():
        lines.append(f'<conceptEntry id="{escape(concept)}">')
        for lang, value in langs.items():
            lines.append(f'<langSec xml:lang="{lang}">')
            lines += [f"<termSec><term>{escape(term)}</term></termSec>" for term in _terms(value)]
            lines.append("</langSec>")
        lines.append("</conceptEntry>")
    lines += ["</body>", "</text>", "</tbx>", ""]
    return "\n".join(lines)


def write_glossary(translations_dir: Path, text: str, name: str = "glossary.tbx") -> Path:
    """Write a glossary file atomically (as an editor that saves by rename does)."""
    path = Path(translations_dir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return path
