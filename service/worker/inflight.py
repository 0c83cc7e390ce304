"""Which stories this worker process is translating, or has just finished: sweeps leave them alone.

A story whose job ended within ``just_ended`` seconds counts as busy too: between the end of a
job's body and Huey putting its retry on the schedule, the story is neither in flight nor queued,
and a sweep in that moment started a second chain of attempts for it.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

JUST_ENDED_SECONDS = 10.0


class InFlight:
    def __init__(self, just_ended: float = JUST_ENDED_SECONDS):
        self.just_ended = just_ended
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self._ended: dict[str, float] = {}      # story id -> when its last job here ended (monotonic)

    @contextmanager
    def tracking(self, story_id: str) -> Iterator[None]:
        """Around a job's body: the story is busy from its start until ``just_ended`` after its end."""
        with self._lock:
            self._running.add(story_id)
        try:
            yield
        finally:
            with self._lock:
                self._running.discard(story_id)
                self._ended[story_id] = time.monotonic()

    def busy(self) -> set[str]:
        horizon = time.monotonic() - self.just_ended
        with self._lock:
            self._ended = {story_id: at for story_id, at in self._ended.items() if at > horizon}
            return self._running | set(self._ended)
