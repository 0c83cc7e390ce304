"""The per-key rate limit of ``/translate`` and ``/detect``, with ``limits`` (the library under
Flask-Limiter), applied to those two views only.

Flask-Limiter's app integration checks every request of the app in a ``before_request`` hook,
about 0.15 ms each, reader pages included; here only the views that cost work pay for it.
Hits are counted where every web process sees them: in the store by default
(``store.ratelimits``), or Redis (``KAKEHASHI_MT_RATE_LIMIT_STORAGE=redis://…``). ``memory://``
counts per process, so n gunicorn processes would admit n times the limit: only for one process.
A list of n texts costs n, as in LibreTranslate. A key may have its own limit
(``KAKEHASHI_MT_KEY_RATE_LIMITS``), as LibreTranslate's per-key limits.
"""
from __future__ import annotations

import functools
import hmac
import time
from typing import Callable, Mapping, ParamSpec, TypeVar

from flask import request
from limits import RateLimitItem, parse_many, storage, strategies
from werkzeug.exceptions import TooManyRequests

P = ParamSpec("P")
R = TypeVar("R")


class RateLimit:
    def __init__(self, rule: str, counted_in: storage.Storage, keys: tuple[str, ...], key_of: Callable[[], str | None],
                 cost_of: Callable[[], int], key_rules: Mapping[str, str] | None = None):
        self.items = parse_many(rule)
        self.key_items: dict[str, list[RateLimitItem]] = {key: parse_many(own) for key, own in (key_rules or {}).items()}
        self.limiter = strategies.FixedWindowRateLimiter(counted_in)
        self.keys = tuple(keys) + tuple(self.key_items)
        self.key_of, self.cost_of = key_of, cost_of

    def _identity(self) -> tuple[str, list[RateLimitItem]]:
        """A valid key is limited as itself (by its own rule if it has one); anything else by the
        client's address."""
        key = self.key_of()
        if key is not None and any(hmac.compare_digest(key.encode(), allowed.encode()) for allowed in self.keys):
            return "key:" + key, self.key_items.get(key, self.items)
        return "address:" + (request.remote_addr or "unknown"), self.items

    def check(self) -> None:
        (identity, items), cost = self._identity(), self.cost_of()
        for item in items:
            if not self.limiter.hit(item, "kakehashi-mt", identity, cost=cost):
                reset = self.limiter.get_window_stats(item, "kakehashi-mt", identity).reset_time
                raise TooManyRequests(f"{item} per key", retry_after=max(1, int(reset - time.time())))

    def __call__(self, view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def limited(*args: P.args, **kwargs: P.kwargs) -> R:
            self.check()
            return view(*args, **kwargs)

        return limited
