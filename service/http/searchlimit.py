"""The per-address rate limit of the search path (``/api/v1/search`` and ``/<lang>/search``
together), with ``limits``, as ``/translate``'s limit is (``libretranslate/ratelimit.py``).

A search that misses the cache scans an index; an address that sends searches faster than
``KAKEHASHI_SEARCH_RATE_LIMIT`` gets 429 with ``Retry-After``. Checked in the two views only,
so reader pages pay nothing. Storage in memory (per process) or Redis
(``KAKEHASHI_SEARCH_RATE_LIMIT_STORAGE=redis://…``, shared by every web process).
"""
from __future__ import annotations

import functools
import time
from typing import Callable, ParamSpec, TypeVar

from flask import current_app, request
from limits import parse_many, storage, strategies
from werkzeug.exceptions import TooManyRequests

P = ParamSpec("P")
R = TypeVar("R")
NAMESPACE = "kakehashi-search"


class AddressLimit:
    def __init__(self, rule: str, storage_uri: str):
        self.items = parse_many(rule)
        self.limiter = strategies.FixedWindowRateLimiter(storage.storage_from_string(storage_uri))

    def check(self) -> None:
        address = request.remote_addr or "unknown"
        for item in self.items:
            if not self.limiter.hit(item, NAMESPACE, address):
                reset = self.limiter.get_window_stats(item, NAMESPACE, address).reset_time
                raise TooManyRequests(f"too many searches from your address: {item}; try again shortly",
                                      retry_after=max(1, int(reset - time.time())))


def search_limited(view: Callable[P, R]) -> Callable[P, R]:
    """Check the app's search limit before the view runs."""
    @functools.wraps(view)
    def limited(*args: P.args, **kwargs: P.kwargs) -> R:
        limit: AddressLimit = current_app.extensions["kakehashi_search_limit"]
        limit.check()
        return view(*args, **kwargs)

    return limited
