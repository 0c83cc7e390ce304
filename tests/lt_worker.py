"""A stand-in for the worker tier in the live LibreTranslate test: models run in a child process.

The web side (a thread of the test process serving the app) gets ``ProcessEngineCall``: it sends
sentences to a spawned process that owns the ``Translators`` and waits for the result with a
timeout, as the job queue will. So the serving process never loads a model.
"""
from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

_translators = None


def _start(settings) -> None:
    global _translators
    from service.translate.registry import Translators

    _translators = Translators(settings, rescan_seconds=0)


def _translate(source: str, target: str, sentences: list[str], count: int):
    from service.translate.memory import translators_call

    return translators_call(_translators)(source, target, sentences, count)


class ProcessEngineCall:
    def __init__(self, settings, timeout: float = 60):
        self.timeout = timeout
        self.sentences = 0
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_start, initargs=(settings,))

    def __call__(self, source, target, sentences, count):
        self.sentences += len(sentences)
        return self.pool.submit(_translate, source, target, list(sentences), count).result(timeout=self.timeout)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
