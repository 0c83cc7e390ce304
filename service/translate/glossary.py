"""The glossary: a concept's term in each language, and how a source text's terms are found.

Machine translation obeys it (``registry``: every term found in a source sentence becomes a
protected placeholder, ``protect.protect_with``, and the target language's term is put back),
the sentence memory is keyed with the entries a sentence used (``memory``), and translators'
catalogs are checked against it (``glossary_findings``, ``glossary_comment``). Reading and
writing the file is ``glossary_file``; the glossary in force lives in the store
(``glossary_live``).

- A concept gives its term in any of en, ja, ko. The first term of a language is the one put
  into translations; more terms of the same language are synonyms, recognised in a source.
- A concept whose (first) term is the same in every language it lists is do-not-translate:
  the term is kept as written, whatever the source and target language.
- Matching (``PairTerms.find``): leftmost, longest term first, never overlapping. A term
  that begins or ends with a Latin letter or digit matches with its case as written and only
  as a whole word there ("Trump" is not found in "Trumpet" nor in "trump"). Japanese and
  Korean terms match as plain substrings: neither language puts spaces between words, and a
  Korean particle follows a name directly (이재명은).
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from .protect import Span

LANGUAGES = ("en", "ja", "ko")
TERM_KIND = "term"                  # the kind of a glossary placeholder's ``Span``
# A letter or digit of a Latin script: what a Latin term must not touch to be a whole word.
_LATIN = "0-9A-Za-z\u00c0-\u024f"
_LATIN_CHAR = re.compile(f"[{_LATIN}]")

Found = tuple[int, int, Span]       # (start, end, span put back) as ``protect.protect_with`` takes it


@dataclass(frozen=True)
class Concept:
    id: str                                   # the file's id for it, or "line N"
    line: int                                 # where the concept starts in its file
    terms: tuple[tuple[str, tuple[str, ...]], ...]    # (lang, its terms, preferred first), in LANGUAGES order

    def term(self, lang: str) -> str | None:
        """The term put into a translation into ``lang``."""
        for code, texts in self.terms:
            if code == lang:
                return texts[0]
        return self.terms[0][1][0] if self.do_not_translate and self.terms else None

    def source_terms(self, lang: str) -> tuple[str, ...]:
        """The terms recognised in a source text in ``lang`` (all of a do-not-translate concept's)."""
        if self.do_not_translate:
            return tuple(dict.fromkeys(text for _, texts in self.terms for text in texts))
        return next((texts for code, texts in self.terms if code == lang), ())

    @property
    def do_not_translate(self) -> bool:
        return len({texts[0] for _, texts in self.terms}) == 1


@dataclass(frozen=True)
class TermUse:
    """One glossary entry a sentence used: this source term became this target term."""

    source: str
    target: str

    @property
    def key(self) -> str:
        return f"{self.source}\t{self.target}"      # a term never holds a tab (``glossary_file``)


@dataclass(frozen=True)
class Glossary:
    concepts: tuple[Concept, ...] = ()
    _pairs: dict[tuple[str, str], PairTerms] = field(default_factory=dict, compare=False, repr=False)

    def pair(self, source: str, target: str) -> PairTerms:
        """The source term -> target term rules for one direction (cached)."""
        found = self._pairs.get((source, target))
        if found is None:
            rules: dict[str, str] = {}
            for concept in self.concepts:
                target_term = concept.term(target)
                if target_term is None:
                    continue
                for term in concept.source_terms(source):
                    rules.setdefault(term, target_term)
            found = self._pairs[(source, target)] = PairTerms(rules)
        return found

    @property
    def fingerprint(self) -> str:
        """Moves whenever any term changes (ids and lines do not count)."""
        canonical = json.dumps([list(map(list, c.terms)) for c in self.concepts], ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]

    def to_data(self) -> list[dict[str, Any]]:
        """Plain data, as the store keeps it (``from_data`` reads it back)."""
        return [{"id": c.id, "line": c.line, "terms": {lang: list(texts) for lang, texts in c.terms}}
                for c in self.concepts]

    @classmethod
    def from_data(cls, data: Iterable[Mapping[str, Any]]) -> Glossary:
        return cls(tuple(make_concept(str(item["id"]), int(item["line"]), item["terms"]) for item in data))


def make_concept(concept_id: str, line: int, terms: Mapping[str, Sequence[str]]) -> Concept:
    """A concept with its languages in the usual order and duplicate terms dropped."""
    return Concept(concept_id, line, tuple((lang, tuple(dict.fromkeys(terms[lang])))
                                           for lang in LANGUAGES if terms.get(lang)))


EMPTY = Glossary()


class PairTerms:
    """Finding one direction's source terms in a text (see the module docstring for the rules)."""

    def __init__(self, rules: Mapping[str, str]):
        self.rules = dict(rules)
        ordered = sorted(self.rules, key=lambda term: (-len(term), term))
        self._regex = re.compile("|".join(map(_pattern, ordered))) if ordered else None

    def __bool__(self) -> bool:
        return bool(self.rules)

    def find(self, text: str) -> list[tuple[int, int, TermUse]]:
        if self._regex is None:
            return []
        return [(m.start(), m.end(), TermUse(m.group(), self.rules[m.group()])) for m in self._regex.finditer(text)]

    def spans(self, text: str) -> list[Found]:
        """The terms of ``text`` as protected spans that put the target term back."""
        return [(start, end, Span(TERM_KIND, use.target)) for start, end, use in self.find(text)]

    def uses(self, text: str) -> tuple[TermUse, ...]:
        """The distinct entries ``text`` uses, sorted."""
        return tuple(sorted({use for _, _, use in self.find(text)}, key=lambda use: use.key))


def _pattern(term: str) -> str:
    before = f"(?<![{_LATIN}])" if _LATIN_CHAR.match(term[0]) else ""
    after = f"(?![{_LATIN}])" if _LATIN_CHAR.match(term[-1]) else ""
    return before + re.escape(term) + after


def uses_key(uses: Iterable[TermUse]) -> str:
    """What the memory and a machine translation record: the entries used, "" for none."""
    return "\n".join(sorted({use.key for use in uses}))


def carried_spans(text: str, uses: Sequence[TermUse]) -> list[Found]:
    """On the second leg of a pivot: the target terms the first leg put into ``text`` stay as
    they are (they are already in the final language)."""
    return PairTerms({use.target: use.target for use in uses}).spans(text) if uses else []


# -- translators' side: what the catalog code calls --------------------------------------------

def glossary_findings(glossary: Glossary, source_lang: str, target_lang: str, msgid: str, msgstr: str) -> list[str]:
    """Why a human translation disagrees with the glossary: one reason per term of ``msgid``
    whose target term ``msgstr`` lacks. An empty ``msgstr`` (not translated) has none."""
    if not msgstr.strip() or source_lang == target_lang:
        return []
    return [f"the glossary translates {use.source!r} as {use.target!r}, which the translation lacks"
            for use in glossary.pair(source_lang, target_lang).uses(msgid) if use.target not in msgstr]


def glossary_comment(glossary: Glossary, source_lang: str, target_lang: str, msgid: str) -> str | None:
    """An extracted comment for a catalog entry naming the glossary terms of ``msgid``, or None."""
    if source_lang == target_lang:
        return None
    uses = glossary.pair(source_lang, target_lang).uses(msgid)
    if not uses:
        return None
    return "glossary: " + "; ".join(f"{use.source} = {use.target}" for use in uses)
