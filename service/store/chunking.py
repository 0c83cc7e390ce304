"""Split long ``IN (...)`` lists so no query binds too many parameters."""
from __future__ import annotations

from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")


def chunks(values: Iterable[T], size: int = 500) -> Iterator[list[T]]:
    """``values`` in order, as lists of at most ``size``: one query per list stays far below
    SQLite's bound-parameter limit (999 before SQLite 3.32). Nothing is yielded for no values."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, got {size}")
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start:start + size]
