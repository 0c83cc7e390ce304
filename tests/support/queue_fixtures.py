"""Pytest plugin: the queue's real parts. ``kakehashi worker`` processes, a throw-away
``redis-server`` on a free loopback port (Debian's package; ``make test`` installs it), and
``drain`` to run queued jobs inside the test process when a subprocess is not the point."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import pytest
import redis

from service.core.config import PROJECT_ROOT, Settings
from support.server import free_port, server_env


def wait_for(check: Callable[[], object], timeout: float = 60, what: str = "condition", interval: float = 0.2,
             detail: Callable[[], str] = lambda: ""):
    """Poll ``check`` until it returns something true; fail with ``what`` (and ``detail()``, e.g.
    a worker's log) after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{detail()[-6000:]}")
        time.sleep(interval)


def drain(runtime, limit: int = 1000) -> int:
    """Run every job queued now (and those they enqueue) in this process; returns how many ran."""
    huey, ran = runtime.jobs.huey, 0
    while ran < limit:
        task = huey.dequeue()
        if task is None:
            return ran
        huey.execute(task)
        ran += 1
    return ran


WORKER_ENV = {"KAKEHASHI_WORKER_HEARTBEAT_SECONDS": "0.5", "KAKEHASHI_QUEUE_RETRY_SECONDS": "0.5",
              "KAKEHASHI_QUEUE_RETRIES": "2"}


class WorkerProcess:
    """``kakehashi worker`` as an operator starts it, with the tests' settings and no network."""

    def __init__(self, settings: Settings, concurrency: int = 1, env: dict | None = None, name: str = "worker"):
        self.env = {**server_env(settings, 8000), **WORKER_ENV, **(env or {})}
        self.log = Path(settings.instance_dir).parent / f"{name}-{time.monotonic_ns()}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen([str(Path(sys.executable).parent / "kakehashi"), "worker",
                                             "--concurrency", str(concurrency)],
                                            env=self.env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no clean-up at all, as a crash or the OOM killer would."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self, timeout: float = 30) -> int:
        """Ctrl-C: finish the running job and exit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode


@pytest.fixture
def start_worker():
    started: list[WorkerProcess] = []

    def start(settings: Settings, **kwargs) -> WorkerProcess:
        worker = WorkerProcess(settings, **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop(timeout=15)


class RedisServer:
    """A redis-server with no persistence: a restart loses every queued job, the worst case."""

    def __init__(self, folder: Path):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not os.path.exists(binary):
            raise RuntimeError("redis-server is not installed: apt-get install redis-server (make test does it)")
        self.binary, self.folder = binary, folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / "redis.log", "ab")
        self.process = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
                                        stdout=log, stderr=subprocess.STDOUT)
        log.close()
        client = redis.Redis(host="127.0.0.1", port=self.port)
        wait_for(lambda: _pings(client), timeout=20, what="redis-server to answer")
        client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)       # no chance to save anything
            self.process.wait(timeout=20)

    def restart(self) -> None:
        self.stop()
        self.start()


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis")
    yield server
    server.stop()
