"""Character n-gram TF-IDF rows of sentences as flat CSR numpy arrays, and their centrality.

The summarizer's vector math, apart from its choice of points (summarize.py). numpy only, no
scipy. Rows are summed left to right (``row_sums``), never pairwise, so the scores stay bit for
bit what they have always been: ties between sentences are broken on them. Only summarize.py,
loaded at a process's first story write, imports this module (and numpy with it).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple, Protocol

import numpy as np

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
