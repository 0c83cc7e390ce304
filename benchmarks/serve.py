"""Requests/s and p99 latency of a story in Korean (API and page), against a bare Flask app.

Both run under gunicorn exactly as ``make serve`` runs Kakehashi, loaded by wrk from the same
machine, in the same run; the ratios are what to compare across changes, not the raw numbers.
Usage: python benchmarks/serve.py [--seconds 5] [--rounds 3] [--connections 16]
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STORY = "lee-jae-myung-visits-japan"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(app_spec: str, env: dict, cwd: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn with the project's gunicorn.conf.py (as `make serve`), only the app differs."""
    port = free_port()
    process = subprocess.Popen([str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"), app_spec],
                               env={**env, "KAKEHASHI_PORT": str(port)}, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app_spec} did not start")


def to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load(url: str, seconds: int, connections: int) -> tuple[float, float]:
    out = subprocess.run(["wrk", "--latency", "-t2", f"-c{connections}", f"-d{seconds}s", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses")
    return rps, to_ms(*p99.groups())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does it)")
    instance = Path(tempfile.mkdtemp(prefix="kakehashi-bench-"))
    env = {**os.environ, "KAKEHASHI_INSTANCE_DIR": str(instance), "KAKEHASHI_LOG_LEVEL": "WARNING"}
    subprocess.run([str(BIN / "kakehashi"), "init"], env=env, check=True, capture_output=True)
    targets = [("hello (bare Flask)", "hello_app:create_app()", ROOT / "benchmarks", "/"),
               ("API story ?lang=ko", "service:create_app()", ROOT, f"/api/v1/stories/{STORY}?lang=ko"),
               ("page /ko/stories", "service:create_app()", ROOT, f"/ko/stories/{STORY}")]
    # wrk and the server share this machine's cores, so one run can be unlucky: the targets take
    # turns for several rounds and the median of each is reported.
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, *_ in targets}
    for _ in range(args.rounds):
        for name, spec, cwd, path in targets:
            process, url = start(spec, env, cwd)
            try:
                load(url + path, 1, args.connections)  # warm up: lazy loads, caches
                runs[name].append(load(url + path, args.seconds, args.connections))
            finally:
                process.terminate()
                process.wait()
    results = {name: (statistics.median(r for r, _ in values), statistics.median(p for _, p in values))
               for name, values in runs.items()}
    shutil.rmtree(instance, ignore_errors=True)
    base_rps, base_p99 = results["hello (bare Flask)"]
    print(f"gunicorn.conf.py as make serve, wrk {args.connections} connections, "
          f"median of {args.rounds} runs of {args.seconds} s each")
    print(f"{'target':24} {'req/s':>9} {'p99 ms':>8} {'req/s vs hello':>15} {'p99 vs hello':>13}")
    for name, (rps, p99) in results.items():
        print(f"{name:24} {rps:9.0f} {p99:8.1f} {rps / base_rps:15.2f} {p99 / base_p99:13.2f}")


if __name__ == "__main__":
    main()
