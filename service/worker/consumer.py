"""``kakehashi worker``: the Huey consumer with threads sharing one loaded copy of each model, on
the device ``KAKEHASHI_MT_DEVICE`` names.

CTranslate2 translators are thread-safe and release the GIL while translating, so threads (not
processes) keep one copy of every model per worker process.

Device: ``auto`` takes CUDA when CTranslate2 sees a GPU. Compute types: on CUDA ``int8_float16``
(the Argos models are int8; float16 activations are what the GPU is fast at), else ``float16``;
on CPU ``default``, which keeps the model's own int8 weights.
"""
from __future__ import annotations

import logging
import os
from typing import Callable

import ctranslate2

from ..core.config import Settings
from ..jobs.queue import describe_backend
from ..translate.engine import Device
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


CUDA_PREFERENCE = ("int8_float16", "float16", "int8", "float32")


class DeviceError(RuntimeError):
    """The requested device cannot be used on this machine."""


def choose_device(requested: str, cuda_devices: Callable[[], int] = ctranslate2.get_cuda_device_count,
                  supported: Callable[[str], set[str]] = ctranslate2.get_supported_compute_types) -> Device:
    try:
        gpus = cuda_devices()
    except Exception:  # noqa: BLE001 - a CPU-only build raises instead of answering 0
        gpus = 0
    if requested == "cpu" or (requested == "auto" and gpus == 0):
        return Device("cpu", "default")
    if gpus == 0:
        raise DeviceError("KAKEHASHI_MT_DEVICE=cuda but CTranslate2 sees no CUDA GPU on this machine; "
                          "check the NVIDIA driver and CUDA libraries, or set KAKEHASHI_MT_DEVICE=auto or cpu")
    available = set(supported("cuda"))
    compute = next((kind for kind in CUDA_PREFERENCE if kind in available), "default")
    return Device("cuda", compute)
