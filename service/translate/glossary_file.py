"""Reading and writing the glossary file: TBX 2 and 3, and Weblate's glossary CSV.

``translations/glossary.tbx`` is written by translators' tools, so it may be anything. It is
parsed with lxml (libxml2), never by hand, with every door closed: entities are not resolved,
no DTD is loaded, nothing is fetched from the network, and a file that declares an entity at
all (the billion-laughs and XXE shapes) is refused. A DOCTYPE that only names the TBX DTD, as
translate-toolkit writes it, is fine: it is never loaded. The file is opened without following
a symlink, must be a regular file no larger than ``max_glossary_bytes``, and UTF-8.

TBX 2 (``martif`` / ``termEntry`` / ``langSet`` / ``tig`` or ``ntig`` / ``term``) and TBX 3
(``tbx`` / ``conceptEntry`` / ``langSec`` / ``termSec`` / ``term``) are read alike, by local
element names, whatever their namespace. Languages other than en, ja and ko are skipped.

A problem is reported as ``file:line: reason`` and refuses the whole file: the glossary in
force stays. Reasons never quote the file (no term, no parser message echoing markup), so
they are safe for a log, a page or ``/healthz``.
"""
from __future__ import annotations

import csv
import io
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ..core import textrules
from ..core.errors import DomainError
from .glossary import LANGUAGES, Concept, Glossary, make_concept

GLOSSARY_FILE = "glossary.tbx"
MAX_TERM_CHARS = 200
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CONCEPTS = {"termEntry", "conceptEntry"}
_LANG_GROUPS = {"langSet", "langSec"}
# Bidirectional formatting characters: they can make a term display as something it is not.
_BIDI = re.compile(f"[{textrules.BIDI_CONTROLS}{textrules.BIDI_MARKS}]")
_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class GlossaryError(DomainError):
    """A glossary file refused whole; ``problems`` are ``file:line: reason`` lines."""

    code = "invalid_glossary"

    def __init__(self, problems: list[str]):
        super().__init__(problems[0] if len(problems) == 1 else f"{problems[0]} (and {len(problems) - 1} more)")
        self.problems = problems


@dataclass
class _Draft:
    id: str
    line: int
    terms: dict[str, list[tuple[str, int]]]       # lang -> (term, line)


# -- reading ------------------------------------------------------------------------------------

def read_glossary_file(path: Path, max_bytes: int, name: str | None = None, source: str = "en",
                       target: str | None = None) -> Glossary:
    """Parse a glossary file: ``.csv`` as Weblate's glossary CSV (``source``/``target`` are its
    languages), anything else as TBX. ``name`` is how problems name the file."""
    data = read_bytes(path, max_bytes, name)
    label = name or path.name
    if path.suffix.lower() == ".csv":
        if target is None:
            raise GlossaryError([f"{label}:0: a CSV glossary holds one language pair: say its target language"])
        return parse_csv(data, label, source, target)
    return parse_tbx(data, label)


def read_bytes(path: Path, max_bytes: int, name: str | None = None) -> bytes:
    """The file's bytes: opened without following a symlink, a regular file, at most ``max_bytes``."""
    label = name or path.name
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise GlossaryError([f"{label}:0: no such file"]) from None
    except OSError as error:
        reason = "is a symbolic link; use the file itself" if os.path.islink(path) else f"cannot be opened ({error.strerror})"
        raise GlossaryError([f"{label}:0: {reason}"]) from None
    with os.fdopen(fd, "rb") as stream:
        st = os.fstat(stream.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise GlossaryError([f"{label}:0: is not a regular file"])
        if st.st_size > max_bytes:
            raise GlossaryError([f"{label}:0: is {st.st_size:,} bytes, over the limit of {max_bytes:,} "
                                 "(KAKEHASHI_MAX_GLOSSARY_BYTES)"])
        os.set_blocking(stream.fileno(), True)
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise GlossaryError([f"{label}:0: is over the limit of {max_bytes:,} bytes (KAKEHASHI_MAX_GLOSSARY_BYTES)"])
    return data


def parse_tbx(data: bytes, name: str) -> Glossary:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise GlossaryError([f"{name}:{_line_at(data, error.start)}: is not UTF-8"]) from None
    declared = re.search(rb"<!ENTITY", data)
    if declared:
        raise GlossaryError([f"{name}:{_line_at(data, declared.start())}: declares an entity (refused: "
                             "entities are never expanded)"])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else 0
        raise GlossaryError([f"{name}:{line}: is not well-formed XML"]) from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None and any(True for _ in tree.docinfo.internalDTD.iterentities()):
        raise GlossaryError([f"{name}:1: declares an entity (refused: entities are never expanded)"])
    for node in root.iter(etree.Entity):
        raise GlossaryError([f"{name}:{node.sourceline or 0}: holds an entity reference (refused)"])
    if _local(root) not in ("martif", "tbx"):
        raise GlossaryError([f"{name}:{root.sourceline or 1}: is not TBX (the root element must be martif or tbx)"])
    drafts = []
    for entry in root.iter(etree.Element):
        if _local(entry) not in _CONCEPTS:
            continue
        line = entry.sourceline or 0
        draft = _Draft(entry.get("id") or f"line {line}", line, {})
        for group in entry.iter(etree.Element):
            if _local(group) not in _LANG_GROUPS:
                continue
            lang = _language(group.get(_XML_LANG) or group.get("lang") or "")
            if lang is None:
                continue
            for term in group.iter(etree.Element):
                if _local(term) == "term":
                    draft.terms.setdefault(lang, []).append(("".join(term.itertext()), term.sourceline or line))
        drafts.append(draft)
    return _build(drafts, name)


def parse_csv(data: bytes, name: str, source: str, target: str) -> Glossary:
    """Weblate's glossary CSV: ``source,target`` columns (a header row naming them is used when
    present, as Weblate exports it), one term pair per row."""
    for lang in (source, target):
        if lang not in LANGUAGES:
            raise GlossaryError([f"{name}:0: language {lang!r} is not one of {', '.join(LANGUAGES)}"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise GlossaryError([f"{name}:{_line_at(data, error.start)}: is not UTF-8"]) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    columns = (0, 1)
    drafts = []
    try:
        for row in reader:
            line = reader.line_num
            if line == 1 and {"source", "target"} <= {cell.strip().lower() for cell in row}:
                lowered = [cell.strip().lower() for cell in row]
                columns = (lowered.index("source"), lowered.index("target"))
                continue
            if not any(cell.strip() for cell in row):
                continue
            if len(row) <= max(columns):
                raise GlossaryError([f"{name}:{line}: needs a source and a target column"])
            terms = {source: [(row[columns[0]], line)]}
            if row[columns[1]].strip():
                terms[target] = [(row[columns[1]], line)]
            drafts.append(_Draft(f"line {line}", line, terms))
    except csv.Error:
        raise GlossaryError([f"{name}:{reader.line_num}: is not valid CSV"]) from None
    return _build(drafts, name)


def _build(drafts: list[_Draft], name: str) -> Glossary:
    """Check every term and that no two concepts claim the same term; all problems at once."""
    problems: list[str] = []
    claimed: dict[tuple[str, str], int] = {}
    concepts: list[Concept] = []
    for draft in drafts:
        terms: dict[str, list[str]] = {}
        for lang, items in draft.terms.items():
            for raw, line in items:
                text = raw.strip()
                reason = term_problem(text)
                if reason:
                    problems.append(f"{name}:{line}: {reason}")
                    continue
                other = claimed.setdefault((lang, text), draft.line)
                if other != draft.line:
                    problems.append(f"{name}:{line}: this {lang} term is already claimed by the concept at line {other}; "
                                    "a term may belong to one concept only (merge the two)")
                    continue
                terms.setdefault(lang, []).append(text)
        if terms:
            concepts.append(make_concept(draft.id, draft.line, terms))
    if problems:
        raise GlossaryError(problems)
    return Glossary(tuple(concepts))


def term_problem(text: str) -> str | None:
    """Why a term cannot be used, or None."""
    if not text:
        return "empty term"
    if len(text) > MAX_TERM_CHARS:
        return f"term over {MAX_TERM_CHARS} characters"
    if any(unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or _BIDI.match(char) or char == "\ufeff" for char in text):
        return "term holds a control or bidirectional-formatting character"
    return None


def _local(element: Any) -> str:
    return str(etree.QName(element).localname)


def _language(code: str) -> str | None:
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return primary if primary in LANGUAGES else None


def _line_at(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


# -- writing ------------------------------------------------------------------------------------

def write_tbx(glossary: Glossary) -> bytes:
    """TBX 2 as translate-toolkit writes it (``martif``/``termEntry``/``langSet``/``tig``/``term``),
    which Weblate, Pontoon and translate-toolkit read; no DOCTYPE."""
    root = etree.Element("martif", {"type": "TBX", _XML_LANG: "en"})
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for concept in glossary.concepts:
        entry = etree.SubElement(body, "termEntry", {"id": _safe_id(concept.id, concept.line)})
        for lang, texts in concept.terms:
            group = etree.SubElement(entry, "langSet", {_XML_LANG: lang})
            for text in texts:
                etree.SubElement(etree.SubElement(group, "tig"), "term").text = text
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _safe_id(concept_id: str, line: int) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "-", concept_id).strip("-")
    return cleaned if cleaned and cleaned[0].isalpha() else f"c{line}" if not cleaned else f"c-{cleaned}"


def write_file_atomically(path: Path, data: bytes) -> None:
    """Write beside the file and rename over it: a watcher never reads half a glossary."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)


def merged(base: Glossary, added: Glossary, source: str) -> Glossary:
    """``base`` with the concepts of ``added`` (a CSV for one pair) merged in: a concept of
    ``base`` with the same ``source`` term takes the new target term; others are appended."""
    concepts = list(base.concepts)
    index = {text: position for position, concept in enumerate(concepts)
             for lang, texts in concept.terms if lang == source for text in texts}
    for concept in added.concepts:
        term = concept.term(source) if any(lang == source for lang, _ in concept.terms) else None
        position = index.get(term) if term is not None else None
        if position is None:
            concepts.append(concept)
            continue
        old = concepts[position]
        terms = {lang: list(texts) for lang, texts in old.terms}
        for lang, texts in concept.terms:
            if lang != source:
                terms[lang] = list(dict.fromkeys([*texts, *terms.get(lang, [])]))
        concepts[position] = make_concept(old.id, old.line, terms)
    return Glossary(tuple(concepts))
