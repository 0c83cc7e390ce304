"""Processes the tests start: a real gunicorn serving the app as ``make serve`` does, on a free
loopback port, with no network (``tests/no_network``'s sitecustomize)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from service.core.config import PROJECT_ROOT, Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


NO_NETWORK = Path(__file__).resolve().parent.parent / "no_network"


def server_env(settings: Settings, port: int) -> dict:
    """Environment of a process the tests start: our settings, and no network (sitecustomize)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAKEHASHI_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(NO_NETWORK), env.get("PYTHONPATH")]))
    env.update({
        "KAKEHASHI_HOST": "127.0.0.1", "KAKEHASHI_PORT": str(port),
        "KAKEHASHI_INSTANCE_DIR": str(settings.instance_dir),
        "KAKEHASHI_DATABASE_URL": settings.database_url,
        "KAKEHASHI_MODELS_DIR": str(settings.models_dir),
        "KAKEHASHI_TRANSLATIONS_DIR": str(settings.translations_dir),
        "KAKEHASHI_API_TOKENS": ",".join(settings.api_tokens),
        "KAKEHASHI_CATALOG_POLL_SECONDS": "0.5",
        "KAKEHASHI_CATALOG_SETTLE_SECONDS": str(settings.catalog_settle_seconds),
        "KAKEHASHI_MT_MAX_DECODING_LENGTH": str(settings.mt_max_decoding_length),
    })
    env["KAKEHASHI_QUEUE_URL"] = settings.queue_url           # "" is the SQLite queue in the instance folder
    env["KAKEHASHI_MT_RATE_LIMIT_STORAGE"] = settings.mt_rate_limit_storage
    return env


class LiveServer:
    """A gunicorn process serving the app as ``make serve`` does, on a free loopback port."""

    def __init__(self, settings: Settings, env: dict | None = None):
        self.settings = settings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        bin_dir = Path(sys.executable).parent
        self.env = {**server_env(settings, self.port), **(env or {})}
        subprocess.run([str(bin_dir / "kakehashi"), "init"], env=self.env, check=True, capture_output=True)
        self.log = settings.instance_dir / "server.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as log:  # a file, not a pipe nobody reads while it fills
            self.process = subprocess.Popen([str(bin_dir / "gunicorn"), "--config", "gunicorn.conf.py"],
                                            env=self.env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not become ready in time")

    def output(self) -> str:
        """What the server printed so far, for failure messages."""
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
