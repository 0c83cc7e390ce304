"""Snippets → a verifiable extractive summary: title, key points, quotes, headings.

Points are sentences copied verbatim from the sources (never rewritten), so every point can be
checked against the snippet it names. Each sentence gets a relevance: a position prior (news puts
the key facts first) plus its centrality (cosine to the story's centroid in a character n-gram
TF-IDF space, which needs no Japanese word tokenizer). The lead is the first point; the others
are picked one at a time, maximal-marginal-relevance style: relevance, minus the similarity to
points already picked, plus a bonus for names and numbers that the title and those points do not
mention yet, so a late paragraph with the concrete agreements beats a restatement of the lead.
A sentence that near-duplicates the title or a picked point is never picked. Pure functions: no
I/O, same input → same output.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np

from ..core import textrules
from ..core.domain import Field, Snippet
from ..core.textrules import detect_source_lang
from . import sentences as splitter

# --- the vector math: character n-gram TF-IDF rows as flat CSR numpy arrays (numpy only, no
# scipy); rows are summed left to right (``row_sums``), never pairwise, so scores stay bit for bit
# what they have always been: ties between sentences are broken on them.

SHINGLE = {"en": 3, "ja": 2}              # character n-grams of the vectors and of the near-duplicate measure
NOT_WORD = re.compile(r"[\W_]++")         # spaces, punctuation, "_": what n-grams and word counts ignore


class Text(Protocol):
    """What ``tfidf`` reads of a sentence (summarize.Sentence)."""
    @property
    def lang(self) -> str: ...
    @property
    def text(self) -> str: ...


class Vectors(NamedTuple):
    """Sparse rows in CSR layout: row i's columns are ``indices[indptr[i]:indptr[i + 1]]`` (ascending),
    its values the same slice of ``data``; ``width`` is the vocabulary size. numpy only: importing scipy
    cost a web worker ~15 MB."""
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    width: int


EMPTY = Vectors(np.zeros(1, np.intp), np.zeros(0, np.intp), np.zeros(0), 0)


def row_sums(indptr: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per-row sums of flat CSR values, each row added left to right from 0.

    Not ``np.add.reduceat``, which adds pairwise: the left-to-right order of a sparse dot
    product keeps the scores bit for bit what they have always been (ties are broken on them).
    One step per column position, each over the rows that long (a few hundred steps at most).
    """
    out = np.zeros(len(indptr) - 1)
    if not len(values):
        return out
    rows = np.repeat(np.arange(len(out)), np.diff(indptr))
    position = np.arange(len(values)) - indptr[rows]
    order = np.argsort(position, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(position))))
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        at = order[start:stop]
        out[rows[at]] += values[at]
    return out


def tfidf(sentences: Sequence[Text]) -> Vectors:
    """Rows: L2-normalized TF-IDF vectors of the sentences' character n-grams (sublinear tf).

    The n-grams are those of the near-duplicate measure (SHINGLE), hashed with numpy (21 bits
    per code point), so a story at the size limit takes milliseconds, not most of a second.
    """
    norms = [NOT_WORD.sub("", unicodedata.normalize("NFKC", s.text).lower()) for s in sentences]
    codes = np.frombuffer("\0".join(norms).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    owner = np.repeat(np.arange(len(norms)), [len(t) + 1 for t in norms])[:len(codes)]
    sizes = np.array([SHINGLE.get(s.lang, SHINGLE["en"]) for s in sentences])
    rows, keys = [], []
    for size in sorted(set(SHINGLE.values())):
        m = len(codes) - size + 1
        if m <= 0:
            continue
        key = codes[:m].copy()
        for offset in range(1, size):
            key = (key << np.uint64(21)) | codes[offset:offset + m]
        valid = ((owner[:m] == owner[size - 1:size - 1 + m]) & (codes[size - 1:size - 1 + m] != 0)
                 & (sizes[owner[:m]] == size))
        rows.append(owner[:m][valid])
        keys.append(key[valid] * np.uint64(4) + np.uint64(size))
    row = np.concatenate(rows).astype(np.intp) if rows else np.zeros(0, np.intp)
    vocab, col = np.unique(np.concatenate(keys) if keys else np.zeros(0, np.uint64), return_inverse=True)
    width = len(vocab)
    cell, count = np.unique(row * width + col.reshape(-1).astype(np.intp), return_counts=True)  # sorted by row, column
    row, col = np.divmod(cell, max(width, 1))
    indptr = np.concatenate(([0], np.cumsum(np.bincount(row, minlength=len(sentences))))).astype(np.intp)
    df = np.bincount(col, minlength=width)
    weight = (1 + np.log(count.astype(float))) * (np.log((1 + len(sentences)) / (1 + df)) + 1)[col]
    lengths = np.zeros(len(sentences))
    filled = np.flatnonzero(np.diff(indptr))
    if len(filled):
        lengths[filled] = np.sqrt(np.add.reduceat(weight * weight, indptr[filled]))
    inverse = np.divide(1.0, lengths, out=np.zeros_like(lengths), where=lengths > 0)
    return Vectors(indptr, col, inverse[row] * weight, width)


def centrality(vectors: Vectors) -> np.ndarray:
    """Cosine similarity of each sentence to the story's centroid, scaled to max 1.

    What most sentences talk about is what the story is about (MEAD's centroid score); one
    sparse product, where a PageRank over the sentence graph took seconds at the size limits.
    """
    centroid = np.bincount(vectors.indices, weights=vectors.data, minlength=vectors.width)
    length = np.linalg.norm(centroid)
    scores = (row_sums(vectors.indptr, vectors.data * (centroid / length)[vectors.indices]) if length > 0
              else np.zeros(len(vectors.indptr) - 1))
    return scores / scores.max() if scores.max() > 0 else scores


# --- choosing the points

POINT_KINDS = ("paragraph",)             # the reporting; quotes repeat it, headings are labels
FALLBACK_POINT_KINDS = ("post",)         # posts are shown as quotes; points only when no paragraph
QUOTE_KINDS = ("quote", "post")
MIN_POINTS, MAX_POINTS = 2, 5
NEAR_DUPLICATE = 0.5                      # resemblance from which two texts say the same thing
LEAD_SPAN = 5.0                           # the position prior halves after this many sentences
POSITION_WEIGHT = 0.6                     # share of the position prior in a sentence's relevance
REDUNDANCY = 0.3                          # weight of the similarity to points already picked
NOVELTY = 1.2                             # bonus for a number not given yet: outweighs the lead's head start…
NAME_WEIGHT = 0.3                         # …where a new name counts this much of a new number
POOL = 60                                 # best sentences considered for points
MIN_CHARS = {"en": 15, "ja": 6}           # word characters; shorter fragments are debris

# Possessive quantifiers (Python 3.11+): no backtracking, so no exponential time on hostile text.
_URL = r"(?:https?://\S++|www\.\S++|[\w-]++(?:\.[\w-]++)++/\S*+)"
_LINK = rf"(?:{_URL}|[@#][\w.]++)"
_ONLY_LINKS = re.compile(rf"(?:{_LINK}|[\W_])*+")
_TRAILING_LINKS = re.compile(rf"(?:\s*+(?:{_URL}|#[\w.]++))++\s*+$")   # a trailing @handle is content
_LINKS = re.compile(_LINK)
_NUMBER = r"(?!(?<=\()\d{1,2}\))\d++(?:[.,]\d++)*+"     # not a list marker such as (4)
_NUMBER_WORDS = frozenset("""one two three four five six seven eight nine ten eleven twelve twenty thirty forty
    fifty hundred thousand million billion half""".split())     # not "hundreds of": vague is no fact
_UNITS = {
    "en": re.compile(rf"\b(?:{_NUMBER}|[A-Z][\w'’-]*+|(?:{'|'.join(sorted(_NUMBER_WORDS))})\b)"),
    "ja": re.compile(rf"{_NUMBER}|[ァ-ヴー]{{2,}}+|[A-Za-z]{{2,}}+|"
                     rf"[{textrules.KANJI}々]{{1,4}}?(?:県|市|町|村|省|庁|党|社|府|都|区|駅|港|銀行|大学|首相|大統領)"),
}
_NOT_NAMES = frozenset("The A An In On At He She It They We I This That But And Under After Officials".split())
_LINK_MARKS = ("/", "@", "#", "www.")


@dataclass(frozen=True)
class Sentence:
    index: int      # snippet index (the field's ``from``)
    lang: str
    text: str       # verbatim, stripped; always a substring of the snippet text


def split_sentences(index: int, snippet: Snippet) -> list[Sentence]:
    """Sentences of one snippet, without trailing links and without link-only or tiny fragments."""
    lang = snippet.lang if snippet.lang in ("en", "ja") else detect_source_lang(snippet.text)
    kept: list[Sentence] = []
    debris: list[Sentence] = []
    for segment in splitter.split(snippet.text, lang):
        linked = any(mark in segment for mark in _LINK_MARKS)     # most sentences: skip the link regexes
        text = _TRAILING_LINKS.sub("", segment).strip() if linked else segment
        if not text or linked and _ONLY_LINKS.fullmatch(text):
            continue
        words = _LINKS.sub("", text) if linked else text
        long_enough = len(NOT_WORD.sub("", words)) >= MIN_CHARS.get(lang, MIN_CHARS["en"])
        (kept if long_enough else debris).append(Sentence(index, lang, text))
    return kept or debris   # a snippet of only short sentences still says something


def shingles(text: str, lang: str) -> frozenset[str]:
    """Character n-grams of the text, ignoring case, width, spaces and punctuation."""
    norm = NOT_WORD.sub("", unicodedata.normalize("NFKC", text).lower())
    n = SHINGLE.get(lang, SHINGLE["en"])
    return frozenset(norm[i:i + n] for i in range(len(norm) - n + 1)) if len(norm) >= n else frozenset({norm})


def resemblance(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared n-grams over the larger text's n-grams: 1 for copies, low if either adds much."""
    return len(a & b) / max(len(a), len(b)) if a and b else 0.0


def near_duplicate(a: str, b: str, lang: str) -> bool:
    """Whether two texts say the same thing nearly word for word (see NEAR_DUPLICATE)."""
    return resemblance(shingles(a, lang), shingles(b, lang)) >= NEAR_DUPLICATE


def units(text: str, lang: str) -> frozenset[str]:
    """The names and numbers of a sentence: what a later paragraph can add to the lead.

    English names are capitalized words, except a sentence's first word (capitalized anyway).
    """
    text = unicodedata.normalize("NFKC", text)
    found = _UNITS.get(lang, _UNITS["en"]).findall(text)
    if lang != "ja" and found and text.startswith(found[0]) and found[0].lower() not in _NUMBER_WORDS:
        found = found[1:]
    return frozenset(u.replace(",", "").lower() for u in found if u not in _NOT_NAMES)


def novelty(new: frozenset[str]) -> float:
    """The bonus for a sentence's names and numbers not given yet; numbers are the harder facts."""
    weight = sum(1.0 if u[0].isdigit() or u in _NUMBER_WORDS else NAME_WEIGHT for u in new)
    return NOVELTY * min(1.0, weight)


def position_prior(n: int) -> np.ndarray:
    """1 for the first sentence, halving after LEAD_SPAN sentences: the lead carries the news."""
    return 1.0 / (1.0 + np.arange(n) / LEAD_SPAN)


def point_count(distinct: int) -> int:
    """Two points for every three distinct sentences (rounded up), within 2–5, never more than there are."""
    return min(distinct, max(MIN_POINTS, min(MAX_POINTS, math.ceil(distinct * 2 / 3))))


def choose(sentences: Sequence[Sentence], vectors: Vectors, relevance: np.ndarray,
           title: tuple[str, str] | None) -> list[int]:
    """Points by maximal marginal relevance among distinct sentences, in source order.

    Distinct: among the POOL most promising sentences, those that near-duplicate neither the
    title (text, lang) nor an earlier distinct one; so no two points can near-duplicate either.
    """
    given = units(*title) if title else frozenset()
    found = [units(s.text, s.lang) for s in sentences]
    opening = relevance + np.array([novelty(u - given) for u in found])
    pool = sorted(range(len(sentences)), key=lambda i: (-round(float(opening[i]), 9), i))[:POOL]
    kept = [shingles(*title)] if title else []
    distinct: list[int] = []
    for i in sorted(pool):
        grams = shingles(sentences[i].text, sentences[i].lang)
        if all(resemblance(grams, k) < NEAR_DUPLICATE for k in kept):
            distinct.append(i)
            kept.append(grams)
    chosen = distinct[:1]                 # the lead: the first sentence that does not restate the title
    # The distinct rows' vectors, as flat CSR arrays of their own: cosines to a point are a dot
    # with the point scattered into a dense vector of vocabulary size, reduced per row.
    spans = [np.arange(vectors.indptr[i], vectors.indptr[i + 1]) for i in distinct]
    taken = np.concatenate(spans) if spans else np.zeros(0, np.intp)
    indptr = np.concatenate(([0], np.cumsum([len(span) for span in spans]))).astype(np.intp)
    indices, data = vectors.indices[taken], vectors.data[taken]

    def cosines(j: int) -> np.ndarray:
        point = np.zeros(vectors.width)
        span = slice(vectors.indptr[j], vectors.indptr[j + 1])
        point[vectors.indices[span]] = vectors.data[span]
        return row_sums(indptr, data * point[indices])

    similar = cosines(chosen[0]) if chosen else np.zeros(0)     # the largest cosine to a chosen point
    while len(chosen) < point_count(len(distinct)):
        covered = given.union(*(found[j] for j in chosen))
        gain = {i: relevance[i] - REDUNDANCY * similar[pos] + novelty(found[i] - covered)
                for pos, i in enumerate(distinct) if i not in chosen}
        chosen.append(max(gain, key=lambda i: (round(float(gain[i]), 9), -i)))
        similar = np.maximum(similar, cosines(chosen[-1]))
    return sorted(chosen)


def summarize(story_id: str, title: str | None, snippets: Sequence[Snippet]) -> list[Field]:
    """The story's fields in display order: title, points (source order), quotes, headings.

    Never raises on thin input: it returns whatever of the summary the snippets allow.
    """
    sentences = _candidates(snippets, POINT_KINDS) or _candidates(snippets, FALLBACK_POINT_KINDS)
    relevance = np.zeros(0)
    vectors = EMPTY
    if sentences:
        vectors = tfidf(sentences)
        prior = position_prior(len(sentences))
        relevance = POSITION_WEIGHT * prior + (1 - POSITION_WEIGHT) * centrality(vectors)
    best = sentences[int(np.argmax(relevance))] if sentences else None
    head = _title(title, snippets, best)
    picked = choose(sentences, vectors, relevance, (head[2], head[1]) if head else None)

    out: list[tuple[str, int | None, str, str, str | None]] = []   # role, from, lang, text, attr
    if head:
        out.append(("title", *head, None))
    out += [("point", sentences[i].index, sentences[i].lang, sentences[i].text, None) for i in picked]
    out += [("quote", i, s.lang, s.text.strip(), s.attribution)
            for i, s in enumerate(snippets) if s.kind in QUOTE_KINDS and s.text.strip()]
    out += [("heading", i, s.lang, s.text.strip(), None)
            for i, s in enumerate(snippets) if s.kind == "heading" and s.text.strip()]
    return [Field(story_id=story_id, role=role, position=pos, source_index=index, source_lang=lang,
                  source_text=text, attribution=attribution)
            for pos, (role, index, lang, text, attribution) in enumerate(out)]


def _candidates(snippets: Sequence[Snippet], kinds: tuple[str, ...]) -> list[Sentence]:
    return [s for i, sn in enumerate(snippets) if sn.kind in kinds and sn.text.strip()
            for s in split_sentences(i, sn)]


def _title(title: str | None, snippets: Sequence[Snippet],
           best: Sentence | None) -> tuple[int | None, str, str] | None:
    """Editor title, else the headline, else the most relevant sentence, else any snippet text."""
    if title and title.strip():
        return None, detect_source_lang(title), title.strip()
    headlines = [(i, s) for i, s in enumerate(snippets) if s.kind == "headline" and s.text.strip()]
    if headlines:
        i, s = headlines[0]
        return i, s.lang, s.text.strip()
    if best is not None:
        return best.index, best.lang, best.text
    rest = [(i, s) for i, s in enumerate(snippets) if s.text.strip()]
    return (rest[0][0], rest[0][1].lang, rest[0][1].text.strip()) if rest else None
