"""What a catalog file must say to be imported: its header names its folder's language and
UTF-8, and each reviewed msgstr keeps what must survive translation.

Which failures reject the file and which only warn, and why:
- a URL or an @handle of the source missing from the translation is an **error**: they are
  identities and links a reader uses to verify who said what, so a dropped or mistyped one
  misattributes a quote (the product's promise is verifiability);
- a number missing is a **warning**: translators legitimately rewrite numbers ("three" vs 3,
  "1,000" vs "1천", kanji numerals), so a mismatch needs a look, not a rejection;
- a placeholder (``%s``, ``%(name)s``, ``{name}``) missing is a **warning**: story text is
  never formatted by the service, so such a token is literal text, not a crash risk.
Digits are compared after Unicode NFKC (full-width ``２０２５`` equals ``2025``) with thousands
separators removed.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..core.textrules import URL  # the one URL rule, shared with translation protection
from . import Problem
from .pofile import PoFile

HANDLE = re.compile(r"(?<![\w@./])@[A-Za-z0-9_]{1,30}\b")
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]|\{[A-Za-z_]?\w*\}")
_TRAILING = ".,;:!?…"


@dataclass(frozen=True)
class Finding:
    error: bool
    reason: str


def _urls(text: str) -> list[str]:
    return [u.rstrip(_TRAILING) for u in URL.findall(text)]


def _numbers(text: str) -> list[str]:
    normalized = unicodedata.normalize("NFKC", text)
    numbers = [re.sub(r"(?<=\d),(?=\d{3})", "", n).rstrip(".,") for n in NUMBER.findall(normalized)]
    return [str(int(n)) if n.isdigit() else n for n in numbers]


def _missing(needed: list[str], present: list[str]) -> list[str]:
    left = list(present)
    missing = []
    for item in needed:
        if item in left:
            left.remove(item)
        else:
            missing.append(item)
    return list(dict.fromkeys(missing))


def check_translation(msgid: str, msgstr: str) -> list[Finding]:
    findings = []
    translated_urls = _urls(msgstr)
    for url in _missing(_urls(msgid), translated_urls):
        if not any(url in other for other in translated_urls):
            findings.append(Finding(True, f"URL {url} is missing from the translation"))
    for handle in _missing(HANDLE.findall(msgid), HANDLE.findall(msgstr)):
        findings.append(Finding(True, f"handle {handle} is missing from the translation"))
    for number in _missing(_numbers(msgid), _numbers(msgstr)):
        findings.append(Finding(False, f"number {number} is missing from the translation"))
    for token in _missing(PLACEHOLDER.findall(msgid), PLACEHOLDER.findall(msgstr)):
        findings.append(Finding(False, f"placeholder {token} is missing from the translation"))
    return findings


def header_problems(po: PoFile, path: str, lang: str) -> list[Problem]:
    """The header must say the language of the file's folder, and UTF-8."""
    if not po.header_line:
        return [Problem(path, 1, f'no header entry (msgid ""); it must say "Language: {lang}"')]
    language = po.header_value("Language")
    problems = []
    if not language:
        problems.append(Problem(path, po.header_line, f'header has no Language; expected "{lang}"'))
    elif language.replace("-", "_").split("_")[0].lower() != lang:
        problems.append(Problem(path, po.header_value_line("Language"),
                                f'Language is "{language}" but the file is in the "{lang}" folder'))
    content_type = po.header_value("Content-Type") or ""
    if "charset=" in content_type.lower() and "charset=utf-8" not in content_type.lower().replace(" ", ""):
        problems.append(Problem(path, po.header_value_line("Content-Type"),
                                f'charset must be UTF-8, the header says "{content_type}"'))
    return problems
