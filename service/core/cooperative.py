"""Waiting without stalling the server: under gevent one blocking call stops every request.

gunicorn's gevent worker monkey-patches the standard library, so waits on sockets, locks and
``time.sleep`` let other requests run. A wait inside a C library (CTranslate2's results) does
not: it is turned here into short cooperative sleeps while the library works on its own threads.
"""
from __future__ import annotations

import sys
import time
from typing import Any, Iterable

POLL_SECONDS = 0.01


def under_event_loop() -> bool:
    """True in a process gevent has monkey-patched (a serving worker); False in the CLI and tests."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("socket")


def wait_until_done(futures: Iterable[Any]) -> None:
    """Sleep (cooperatively) until every future-like object's ``done()`` is true."""
    pending = list(futures)
    while pending:
        pending = [future for future in pending if not future.done()]
        if pending:
            time.sleep(POLL_SECONDS)
