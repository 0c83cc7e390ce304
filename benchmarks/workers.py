"""The serving stack, measured: gunicorn's gthread worker (the former config) against the
gevent worker gunicorn.conf.py uses now, same machine, same run, same wrk load.

Both start from gunicorn.conf.py; gthread is selected with GUNICORN_CMD_ARGS. Targets take
turns for several rounds and medians are reported, as in serve.py.
Usage: python benchmarks/workers.py [--seconds 5] [--rounds 3] [--connections 16]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from scratch import scratch_env
from serve import BIN, DEMO, ROOT, load, start

STACKS = {"gthread 2x4 threads": "--worker-class gthread --threads 4", "gevent (gunicorn.conf.py)": ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="kakehashi-bench-"))
    env = scratch_env(instance)
    subprocess.run([str(BIN / "kakehashi"), "init"], env=env, check=True, capture_output=True)
    targets = [("hello", "hello_app:create_app()", ROOT / "benchmarks", "/"),
               ("API story ?lang=ko", "service:create_app()", ROOT, f"/api/v1/stories/{DEMO}?lang=ko")]   # only the demo story
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for _ in range(args.rounds):
        for target, spec, cwd, path in targets:
            for stack, extra in STACKS.items():
                process, url = start(spec, {**env, "GUNICORN_CMD_ARGS": extra}, cwd)
                try:
                    load(url + path, 1, args.connections)
                    runs.setdefault((target, stack), []).append(load(url + path, args.seconds, args.connections))
                finally:
                    process.terminate()
                    process.wait()
    shutil.rmtree(instance, ignore_errors=True)
    print(f"wrk {args.connections} connections, median of {args.rounds} runs of {args.seconds} s each")
    print(f"{'target':20} {'stack':28} {'req/s':>8} {'p99 ms':>8}")
    for (target, stack), values in runs.items():
        print(f"{target:20} {stack:28} {statistics.median(r for r, _ in values):8.0f} "
              f"{statistics.median(p for _, p in values):8.1f}")


if __name__ == "__main__":
    main()
