"""The per-key rate limit of ``/translate`` and ``/detect``, with ``limits`` (the library under
Flask-Limiter), applied to those two views only.

Flask-Limiter's app integration checks every request of the app in a ``before_request`` hook,
about 0.15 ms each, reader pages included; here only the views that cost work pay for it.
Storage is in memory (per process) or Redis (``KAKEHASHI_MT_RATE_LIMIT_STORAGE=redis://…``,
shared by every web process). A list of n texts costs n, as in LibreTranslate.
"""
from __future__ import annotations

import functools
import hmac
import time
from typing import Callable, ParamSpec, TypeVar

from flask import request
from limits import parse_many, storage, strategies
from werkzeug.exceptions import TooManyRequests

P = ParamSpec("P")
R = TypeVar("R")


class RateLimit:
    def __init__(self, rule: str, storage_uri: str, keys: tuple[str, ...], key_of: Callable[[], str | None],
                 cost_of: Callable[[], int]):
        self.items = parse_many(rule)
        self.limiter = strategies.FixedWindowRateLimiter(storage.storage_from_string(storage_uri))
        self.keys, self.key_of, self.cost_of = keys, key_of, cost_of

    def _identity(self) -> str:
        """A valid key is limited as itself; anything else by the client's address."""
        key = self.key_of()
        if key is not None and any(hmac.compare_digest(key.encode(), allowed.encode()) for allowed in self.keys):
            return "key:" + key
        return "address:" + (request.remote_addr or "unknown")

    def check(self) -> None:
        identity, cost = self._identity(), self.cost_of()
        for item in self.items:
            if not self.limiter.hit(item, "kakehashi-mt", identity, cost=cost):
                reset = self.limiter.get_window_stats(item, "kakehashi-mt", identity).reset_time
                raise TooManyRequests(f"{item} per key", retry_after=max(1, int(reset - time.time())))

    def __call__(self, view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def limited(*args: P.args, **kwargs: P.kwargs) -> R:
            self.check()
            return view(*args, **kwargs)

        return limited
