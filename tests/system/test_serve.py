"""`make serve`'s process set: the Procfile run by honcho starts gunicorn and one worker, and one
Ctrl-C stops both."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from service.core.config import PROJECT_ROOT
from support.queue_fixtures import wait_for
from support.server import free_port, server_env


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "X"
    return state != "Z"


def _health(url: str) -> dict | None:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
            return json.load(response)
    except OSError:
        return None


def test_the_procfile_serves_and_translates_and_ctrl_c_stops_both(settings):
    port = free_port()
    env = {**server_env(settings, port), "KAKEHASHI_WORKER_HEARTBEAT_SECONDS": "0.5"}
    bin_dir = Path(sys.executable).parent
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    subprocess.run([str(bin_dir / "kakehashi"), "init"], env=env, check=True, capture_output=True)
    procfile = Path(settings.instance_dir) / "Procfile"      # the project's, with this venv's programs
    procfile.write_text((PROJECT_ROOT / "Procfile").read_text().replace(".venv/bin/", f"{bin_dir}/"))
    log = open(Path(settings.instance_dir) / "honcho.log", "wb")
    honcho = subprocess.Popen([str(bin_dir / "honcho"), "--procfile", str(procfile), "--app-root", str(PROJECT_ROOT),
                               "start"], env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    output = lambda: (Path(settings.instance_dir) / "honcho.log").read_text(errors="replace")  # noqa: E731 - a one-line helper where it is used
    try:
        url = f"http://127.0.0.1:{port}"
        health = wait_for(lambda: (h := _health(url)) and h["queue"]["workers"] and h, timeout=90,
                          what="gunicorn and the worker", detail=output)
        assert health["status"] == "ok" and len(health["queue"]["workers"]) == 1
        assert f"Kakehashi is ready: open {url}/" in output() and ".venv/bin/kakehashi" in output()
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(honcho.pid)], capture_output=True,
                                  text=True).stdout.split()
        assert len(children) == 2, output()
        os.killpg(honcho.pid, signal.SIGINT)                 # Ctrl-C in the terminal: the whole group
        assert honcho.wait(timeout=60) is not None
        wait_for(lambda: not any(_alive(int(pid)) for pid in children), timeout=30, what="both to stop",
                 detail=output)
        assert _health(url) is None
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGKILL)
        log.close()
