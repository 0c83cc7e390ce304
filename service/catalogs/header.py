"""The header ``export`` writes into a catalog: gettext's fields, in their usual order.

Apart from ``export`` because this is what a header says, not how a file is merged and
written: the fields the service owns (language, plural forms, UTF-8, the dates) are always
set, the others keep what the file says, a field not in gettext's list is kept after them,
and the template's language is ``mul``. ``HEADER_COMMENT`` is the comment a new file starts with.
"""
from __future__ import annotations

import datetime as dt

from .poformat import PoFile

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
