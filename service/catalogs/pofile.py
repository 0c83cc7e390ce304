"""The ``.po`` model (entries, file) and a stable writer; ``parse`` is the strict reader.

Why not only Babel's ``read_po``/``write_po``? Measured with Babel 2.18:
- ``read_po`` accepts an unterminated string (``msgstr "abc``) and silently merges duplicate
  entries, and reads a ``#| msgid`` (previous text) as a translator comment;
- ``write_po(include_previous=True)`` wraps a long previous msgid with a text wrapper that
  splits string literals across comment lines, which ``msgfmt --check`` rejects, and it drops
  the flags of obsolete entries (an obsolete ``fuzzy`` entry would come back as reviewed);
- Babel marks any msgid containing ``5% o``-like text ``python-format``, which makes
  ``msgfmt --check`` fail on ordinary news text ("up 5% on the year").
polib 1.2.0 was measured too: it writes well but reads unterminated strings, bad escapes and
unquoted strings without error (corrupting the text), reports duplicates at the wrong line or
none, and has no msgid/msgstr line numbers; wrapping it would mean a second parser anyway.
So the reader (``poreader``) checks the syntax ``msgfmt`` checks (one quoted string per
line, valid escapes, keyword order, one header), keeps previous msgids and line numbers, and
is cross-checked with Babel's ``read_po(abort_invalid=True)``. The writer here uses Babel's
own ``normalize`` (the wrapping of ``write_po(width=76)``) in ``msgmerge``'s layout. Plural
entries are refused: story text has none, so one can only be a mistake.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from babel.messages.pofile import normalize
from babel.util import TextWrapper

WIDTH = 76
FORMAT_FLAGS = {"python-format", "c-format", "python-brace-format"}


@dataclass
class Entry:
    msgid: str
    msgstr: str = ""
    context: str | None = None
    flags: set[str] = field(default_factory=set)
    auto_comments: list[str] = field(default_factory=list)
    user_comments: list[str] = field(default_factory=list)
    locations: list[tuple[str, int | None]] = field(default_factory=list)
    previous_msgid: str | None = None
    obsolete: bool = False
    line: int = 0            # the msgid line, 1-based (where msgfmt and Babel place an entry)
    msgstr_line: int = 0
    source_lang: str | None = None   # template entries only; never written

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.context, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


@dataclass
class PoFile:
    header: list[tuple[str, str]] = field(default_factory=list)
    header_comments: list[str] = field(default_factory=list)   # lines after "#", verbatim
    header_line: int = 0
    entries: list[Entry] = field(default_factory=list)
    header_lines: dict[str, int] = field(default_factory=dict)   # lower-cased name -> line
    header_fuzzy: bool = False       # a template's header is fuzzy (as xgettext writes it)

    def header_value(self, name: str) -> str | None:
        for key, value in self.header:
            if key.lower() == name.lower():
                return value
        return None

    def header_value_line(self, name: str) -> int:
        """Line of ``"Name: …"`` in the header msgstr (the header's line if we cannot tell)."""
        return self.header_lines.get(name.lower(), self.header_line or 1)

def _comment_lines(prefix: str, text: str) -> list[str]:
    wrapper = TextWrapper(width=WIDTH, break_long_words=False)
    return [f"#{prefix} {line.strip()}" for line in wrapper.wrap(text)]


def _keyword_lines(keyword: str, text: str, prefix: str = "") -> list[str]:
    """``keyword "text"`` wrapped as write_po wraps it, then prefixed (``#~ ``, ``#| ``) line
    by line: Babel's own prefix handling narrows the wrap width once per word."""
    return [prefix + line for line in f"{keyword} {normalize(text, width=WIDTH)}".split("\n")]


def _message_lines(entry: Entry, prefix: str = "") -> list[str]:
    lines = _keyword_lines("msgctxt", entry.context, prefix) if entry.context is not None else []
    return lines + _keyword_lines("msgid", entry.msgid, prefix) + _keyword_lines("msgstr", entry.msgstr, prefix)


def _entry_lines(entry: Entry) -> list[str]:
    lines = [f"# {c}".rstrip() if c else "#" for c in entry.user_comments]
    flags = sorted(entry.flags - FORMAT_FLAGS)
    if entry.obsolete:
        if flags:
            lines.append("#, " + ", ".join(flags))
        return lines + _message_lines(entry, prefix="#~ ")
    for comment in entry.auto_comments:
        lines += _comment_lines(".", comment)
    if entry.locations:
        refs = list(dict.fromkeys(f"{name}:{number}" if number is not None else name
                                  for name, number in sorted(entry.locations, key=lambda loc: (loc[0], -1 if loc[1] is None else loc[1]))))
        lines += _comment_lines(":", " ".join(refs))
    if flags:
        lines.append("#, " + ", ".join(flags))
    if entry.previous_msgid is not None and entry.fuzzy:
        lines += _keyword_lines("msgid", entry.previous_msgid, "#| ")
    return lines + _message_lines(entry)


def render(po: PoFile) -> bytes:
    """The file's bytes: header, active entries, then obsolete ones, in the order given."""
    out = [f"# {c}".rstrip() if c else "#" for c in po.header_comments]
    header_text = "".join(f"{name}: {value}\n" for name, value in po.header)
    out += ["#, fuzzy"] if po.header_fuzzy else []
    out += ['msgid ""', f"msgstr {normalize(header_text, width=WIDTH)}", ""]
    for entry in [e for e in po.entries if not e.obsolete] + [e for e in po.entries if e.obsolete]:
        out += _entry_lines(entry) + [""]
    return "\n".join(out).encode("utf-8")


LANGUAGE_TEAMS = {"en": "English", "ko": "Korean", "ja": "Japanese"}
PLURAL_FORMS = {"en": "nplurals=2; plural=(n != 1);", "ko": "nplurals=1; plural=0;", "ja": "nplurals=1; plural=0;"}
HEADER_COMMENT = ["Kakehashi story text ({what}).",
                  "Written by `kakehashi catalog export`. Translate the msgstr lines; a \"fuzzy\"",
                  "entry is a suggestion or a text whose source changed: edit it and remove",
                  "\"fuzzy\" to make it reviewed. Save, and the running service picks it up.", ""]
_ORDER = ["Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
          "Last-Translator", "Language-Team", "Language", "Plural-Forms", "MIME-Version", "Content-Type",
          "Content-Transfer-Encoding"]
_FORCED = {"Language", "Plural-Forms", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
           "POT-Creation-Date", "PO-Revision-Date"}


def stamp(moment: dt.datetime) -> str:
    """A header date as gettext writes it: UTC, to the minute."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M+0000")


def header_fields(existing: PoFile | None, lang: str | None, pot_date: str, revision: str) -> list[tuple[str, str]]:
    """The header of ``lang``'s catalog (``None``: the template), keeping what ``existing`` says
    outside the fields the service owns."""
    values = {"Project-Id-Version": "Kakehashi content", "POT-Creation-Date": pot_date,
              "PO-Revision-Date": revision, "Last-Translator": "",
              "Language-Team": LANGUAGE_TEAMS.get(lang or "", ""), "Language": lang or "",
              "Plural-Forms": PLURAL_FORMS.get(lang or "", ""),
              "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit"}
    extra = []
    for name, value in existing.header if existing else []:
        canonical = next((k for k in _ORDER if k.lower() == name.lower()), None)
        if canonical is None:
            extra.append((name, value))
        elif canonical not in _FORCED:
            values[canonical] = value
    if lang is None:     # the template: msgids in English and Japanese, so "mul" (ISO 639)
        values.pop("Plural-Forms")
        values["Language"] = "mul"
    return [(name, values[name]) for name in _ORDER if name in values] + extra
