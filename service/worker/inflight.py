"""Which stories this worker process is translating, or has just finished: sweeps leave them alone,
and come back to them (``defer``) once their job has settled, so a skipped story is never dropped.

A job has *settled* when Huey is done with it: it succeeded, failed for good, or its retry is on
the schedule. Between the end of a job's body and that moment the story is neither in flight nor
queued, and a sweep then started a second chain of attempts; so an ended job counts as busy
until it settles (at most ``just_ended`` seconds, should a settle never be reported).

A sweep that meets a busy story cannot know whether the running job saw what the sweep saw (a
model installed after the job loaded the models, a human translation withdrawn meanwhile), so it
defers the story: once the job has settled, ``take_ready`` hands it back to be checked again.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

JUST_ENDED_SECONDS = 10.0


class InFlight:
    def __init__(self, just_ended: float = JUST_ENDED_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.just_ended = just_ended
        self._clock = clock
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()   # two threads may run jobs of one story
        self._ended: dict[str, float] = {}         # ended, not settled yet: story id -> when (clock)
        self._deferred: set[str] = set()           # a sweep skipped them while busy: check again

    @contextmanager
    def tracking(self, story_id: str) -> Iterator[None]:
        """Around a job's body: the story is busy from its start until its job settles."""
        with self._lock:
            self._running[story_id] += 1
        try:
            yield
        finally:
            with self._lock:
                self._running[story_id] -= 1
                if self._running[story_id] <= 0:
                    del self._running[story_id]
                self._ended[story_id] = self._clock()

    def settled(self, story_id: str) -> bool:
        """Huey is done with the story's job; True when a deferred story may now be checked again."""
        with self._lock:
            self._ended.pop(story_id, None)
            return story_id in self._deferred and story_id not in self._running

    def busy(self) -> set[str]:
        with self._lock:
            return self._busy()

    def _busy(self) -> set[str]:
        horizon = self._clock() - self.just_ended
        self._ended = {story_id: at for story_id, at in self._ended.items() if at > horizon}
        return set(self._running) | set(self._ended)

    def defer(self, story_ids: Iterable[str]) -> None:
        with self._lock:
            self._deferred.update(story_ids)

    def deferred(self) -> set[str]:
        with self._lock:
            return set(self._deferred)

    def take_ready(self) -> set[str]:
        """The deferred stories no longer busy, forgotten here: the caller checks them again."""
        with self._lock:
            ready = self._deferred - self._busy()
            self._deferred -= ready
            return ready

    def next_ready_in(self) -> float | None:
        """Seconds until a deferred, ended story stops counting as busy even if its settle is never
        reported; None when no deferred story is waiting on that clock."""
        with self._lock:
            waits = [at + self.just_ended - self._clock() for story_id, at in self._ended.items()
                     if story_id in self._deferred and story_id not in self._running]
        return max(0.0, min(waits)) if waits else None
