"""``kakehashi worker``: the Huey consumer with threads sharing one loaded copy of each model.

CTranslate2 translators are thread-safe and release the GIL while translating, so threads (not
processes) keep one copy of every model per worker process.
"""
from __future__ import annotations

import logging
import os

from ..core.config import Settings
from ..jobs.queue import describe_backend
from .device import choose_device
from .runtime import WorkerRuntime

log = logging.getLogger(__name__)


def run_worker(settings: Settings, concurrency: int = 1) -> None:
    """Run until SIGINT (finish running jobs, then stop) or SIGTERM (stop now)."""
    device = choose_device(settings.mt_device)
    if settings.worker_nice:
        # on a machine shared with the web server, readers come first: translation takes the CPU
        # they leave idle (on a dedicated worker machine this changes nothing)
        os.nice(settings.worker_nice)
    runtime = WorkerRuntime(settings, concurrency=concurrency, device=device)
    consumer = runtime.jobs.huey.create_consumer(
        workers=concurrency, worker_type="thread", periodic=False, check_worker_health=True,
        initial_delay=0.05, backoff=1.5, max_delay=0.25)    # an idle SQLite queue: 4 cheap polls a second
    log.info("worker %s: %d thread(s), device %s, queue %s, models in %s", runtime.identity.id, concurrency,
             device, describe_backend(settings), settings.models_dir)
    runtime.start()
    try:
        consumer.run()
    finally:
        runtime.close()
