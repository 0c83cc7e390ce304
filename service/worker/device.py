"""Which device CTranslate2 runs on: ``KAKEHASHI_MT_DEVICE=auto|cpu|cuda``.

``auto`` takes CUDA when CTranslate2 sees a GPU. Compute types: on CUDA ``int8_float16`` (the
Argos models are int8; float16 activations are what the GPU is fast at), else ``float16``; on CPU
``default``, which keeps the model's own int8 weights.
"""
from __future__ import annotations

from typing import Callable

import ctranslate2

from ..translate.engine import Device

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
