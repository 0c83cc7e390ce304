"""Snippets → a verifiable extractive summary: title, key points, quotes, headings.

Points are sentences copied verbatim from the sources (never rewritten), so every point can be
checked against the snippet it names. Sentences are ranked LexRank-style: a graph whose edges are
the cosine similarity of character 2–3-gram TF-IDF vectors (works for Japanese without a word
tokenizer), scored with PageRank. Pure functions: no I/O, same input → same output.
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import sparse

from service.domain import Field, Snippet
from service.text import detect_source_lang, segmenter

POINT_KINDS = ("paragraph",)             # the reporting; quotes repeat it, headings are labels
FALLBACK_POINT_KINDS = ("post",)         # posts are shown as quotes; points only when no paragraph
QUOTE_KINDS = ("quote", "post")
MIN_POINTS, MAX_POINTS, SENTENCES_PER_POINT = 2, 5, 3
NEAR_DUPLICATE = 0.8                      # cosine above which two sentences say the same thing
NEIGHBOURS = 10                           # links kept per sentence in the similarity graph
MIN_CHARS = {"en": 15, "ja": 6}           # word characters; shorter fragments are debris

# Creating a segmenter compiles many rules; do it once per language.
# Possessive quantifiers (Python 3.11+): no backtracking, so no exponential time on hostile text.
_URL = r"(?:https?://\S++|www\.\S++|[\w-]++(?:\.[\w-]++)++/\S*+)"
_LINK = rf"(?:{_URL}|[@#][\w.]++)"
_ONLY_LINKS = re.compile(rf"(?:{_LINK}|[\W_])*+")
_TRAILING_LINKS = re.compile(rf"(?:\s*+(?:{_URL}|#[\w.]++))++\s*+$")   # a trailing @handle is content


@dataclass(frozen=True)
class Sentence:
    index: int      # snippet index (the field's ``from``)
    lang: str
    text: str       # verbatim, stripped; always a substring of the snippet text


def split_sentences(index: int, snippet: Snippet) -> list[Sentence]:
    """Sentences of one snippet, without trailing links and without link-only or tiny fragments.

    Segments that pysbd changed (so they are no longer found in the text) are dropped: a point
    must be quotable from its source.
    """
    lang = snippet.lang if snippet.lang in ("en", "ja") else detect_source_lang(snippet.text)
    kept, debris = [], []
    for segment in segmenter(lang).segment(snippet.text):
        text = _TRAILING_LINKS.sub("", segment).strip()
        if not text or text not in snippet.text or _ONLY_LINKS.fullmatch(text):
            continue
        words = re.sub(_LINK, "", text)
        long_enough = sum(ch.isalnum() for ch in words) >= MIN_CHARS.get(lang, MIN_CHARS["en"])
        (kept if long_enough else debris).append(Sentence(index, lang, text))
    return kept or debris   # a snippet of only short sentences still says something


def _ngrams(text: str) -> Counter:
    """Character 2- and 3-grams of the normalized text, ignoring punctuation and case."""
    norm = re.sub(r"[\W_]+", " ", unicodedata.normalize("NFKC", text).lower()).strip()
    return Counter(norm[i:i + n] for n in (2, 3) for i in range(len(norm) - n + 1))


def _tfidf(texts: Sequence[str]) -> sparse.csr_matrix:
    """Rows: L2-normalized TF-IDF vectors of the texts' character n-grams (sublinear tf)."""
    counts = [_ngrams(t) for t in texts]
    vocab = {g: i for i, g in enumerate(sorted({g for c in counts for g in c}))}
    cols = [vocab[g] for c in counts for g in c]
    rows = [r for r, c in enumerate(counts) for _ in c]
    tf = [1 + math.log(n) for c in counts for n in c.values()]
    idf = np.log((1 + len(texts)) / (1 + np.bincount(cols, minlength=len(vocab)))) + 1
    matrix = sparse.csr_matrix((tf, (rows, cols)), shape=(len(texts), len(vocab))) @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return sparse.csr_matrix(sparse.diags(inverse) @ matrix)


def similarity_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    """Cosine similarity of the sentences as a symmetric k-nearest-neighbour graph.

    Each sentence keeps only its NEIGHBOURS strongest links: a story at the size limits has
    thousands of sentences, and the full graph would take minutes and gigabytes. A relative cut
    also suits both languages, where an absolute one would not (Japanese cosines run much lower).
    """
    matrix, n = _tfidf(texts), len(texts)
    k = min(NEIGHBOURS, n - 1)
    rows, cols, vals = [np.zeros(0, int)], [np.zeros(0, int)], [np.zeros(0)]
    for start in range(0, n if k > 0 else 0, 256):            # blocks bound the memory
        block = (matrix[start:start + 256] @ matrix.T).toarray()
        block[np.arange(len(block)), np.arange(start, start + len(block))] = 0.0
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        rows.append(np.repeat(np.arange(start, start + len(block)), k))
        cols.append(top.ravel())
        vals.append(np.take_along_axis(block, top, axis=1).ravel())
    sims = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                             shape=(n, n))
    sims = sparse.csr_matrix(sims.maximum(sims.T))
    sims.eliminate_zeros()
    return sims


def rank(sims: sparse.csr_matrix) -> list[int]:
    """Sentence positions, most central first; ties go to the earlier sentence.

    PageRank's teleport favours earlier sentences (weight 1/sqrt(order+1)): news puts the key
    fact first, and sentences with no neighbours (e.g. the only Japanese ones) need some prior.
    """
    n = sims.shape[0]
    graph = nx.from_scipy_sparse_array(sims)
    prior = {i: 1 / math.sqrt(i + 1) for i in range(n)}
    try:
        scores = nx.pagerank(graph, weight="weight", personalization=prior, max_iter=500, tol=1e-10)
    except nx.PowerIterationFailedConvergence:   # fall back to weighted degree
        degree = np.asarray(sims.sum(axis=1)).ravel()
        scores = {i: float(degree[i]) for i in range(n)}
    return sorted(range(n), key=lambda i: (-round(scores[i], 9), i))


def point_count(n_sentences: int) -> int:
    """More text, more points: about one per three sentences, within 2–5, never more than exist."""
    wanted = max(MIN_POINTS, min(MAX_POINTS, math.ceil(n_sentences / SENTENCES_PER_POINT)))
    return min(wanted, n_sentences)


def choose(order: Sequence[int], sentences: Sequence[Sentence], sims: sparse.csr_matrix, k: int) -> list[int]:
    """Top-k by rank, spread over snippets, never two near-duplicates unless too few remain."""
    pairs = sparse.triu(sims >= NEAR_DUPLICATE).tocoo()
    twins = {(int(i), int(j)) for i, j in zip(pairs.row, pairs.col, strict=True)}
    twins |= {(j, i) for i, j in twins}
    fresh: list[int] = []
    same_snippet: list[int] = []
    duplicates: list[int] = []
    for i in order:
        if len(fresh) == k:
            break
        if any((i, j) in twins for j in fresh + same_snippet[:k]):   # only these can be chosen
            duplicates.append(i)
        elif any(sentences[i].index == sentences[j].index for j in fresh):
            same_snippet.append(i)
        else:
            fresh.append(i)
    chosen = (fresh + same_snippet)[:k]
    chosen += duplicates[:max(0, min(k, MIN_POINTS) - len(chosen))]
    return sorted(chosen)


def summarize(story_id: str, title: str | None, snippets: Sequence[Snippet]) -> list[Field]:
    """The story's fields in display order: title, points (source order), quotes, headings.

    Never raises on thin input: it returns whatever of the summary the snippets allow.
    """
    sentences = _candidates(snippets, POINT_KINDS) or _candidates(snippets, FALLBACK_POINT_KINDS)
    sims = similarity_matrix([s.text for s in sentences])
    order = rank(sims)
    points = [sentences[i] for i in choose(order, sentences, sims, point_count(len(sentences)))]

    out: list[tuple[str, int | None, str, str, str | None]] = []   # role, from, lang, text, attr
    head = _title(title, snippets, sentences[order[0]] if order else None)
    if head:
        out.append(("title", *head, None))
    out += [("point", p.index, p.lang, p.text, None) for p in points]
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
    """Editor title, else the headline, else the most central sentence, else any snippet text."""
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
