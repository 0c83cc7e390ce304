"""The LibreTranslate-compatible API under load, as ratios measured in the same run.

1. A repeated ``/translate`` of the same text (a sentence-memory hit: no job, no model) against a
   bare Flask app under the same ``gunicorn.conf.py``, both loaded by wrk (aim: >= 0.5x req/s).
2. Readers' p99 (paced story reads) while idle, then while 8 clients hammer ``/translate`` with
   texts no one translated before (every request is a job for ``kakehashi worker``, which runs
   a transformer-base-size synthetic package; aim: <= 2x idle).
Usage: python benchmarks/libretranslate.py [--seconds 10] [--clients 8]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]   # tests: support.synthetic

from mt import Readers  # noqa: E402 - benchmarks/ is on the path only from here
from scratch import scratch_env  # noqa: E402 - after the path set-up above
from serve import load, start  # noqa: E402 - after the path set-up above

KEY = "bench-mt-key"


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def hammer(url: str, clients: int, stop: threading.Event, done: list) -> list[threading.Thread]:
    """``clients`` threads posting never-seen texts to /translate as fast as answers come."""
    def run(n: int) -> None:
        count = 0
        while not stop.is_set():
            text = f"Client {n} asks about meeting number {count} in Tokyo. The leaders agreed on trade."
            try:
                post(url, {"q": text, "source": "en", "target": "ko", "api_key": KEY})
                done.append(time.monotonic())
            except urllib.error.HTTPError:
                pass
            count += 1

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--reader-rate", type=float, default=10.0)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kakehashi-lt-bench-"))
    env = scratch_env(scratch, KAKEHASHI_MT_API_KEYS=KEY, KAKEHASHI_MT_RATE_LIMIT="1000000 per minute",
                      KAKEHASHI_MT_MAX_DECODING_LENGTH="48", KAKEHASHI_MT_REQUEST_TIMEOUT="120")
    from support.synthetic import build_package, transformer_base

    started = time.perf_counter()
    package = build_package(scratch / "build", "en", "ko", "1.1", dims=transformer_base())
    print(f"synthetic transformer-base en-ko package built in {time.perf_counter() - started:.0f} s")
    subprocess.run([str(BIN / "kakehashi"), "init"], env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "kakehashi"), "models", "install", str(package)], env=env, check=True,
                   capture_output=True)
    hello, hello_url = start("hello_app:create_app()", env, ROOT / "benchmarks")
    web, url = start("service:create_app()", env, ROOT)
    log = open(scratch / "worker.log", "wb")
    worker = subprocess.Popen([str(BIN / "kakehashi"), "worker", "--concurrency", "2"], env=env, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        text = "The leaders met in Tokyo on 23 August. They agreed to meet again in spring."
        body = {"q": text, "source": "en", "target": "ko", "api_key": KEY}
        post(f"{url}/translate", body)                           # the model loads; the memory learns it
        script = scratch / "post.lua"
        script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(body))}\n'
                          'wrk.headers["Content-Type"] = "application/json"\n')
        base_rps, base_p99 = load(hello_url + "/", args.seconds, 32)
        memory_rps, memory_p99 = load(url + "/translate", args.seconds, 32, script=script)
        print(f"{'target':34} {'req/s':>8} {'p99 ms':>8} {'req/s vs hello':>15}")
        print(f"{'hello (bare Flask)':34} {base_rps:8.0f} {base_p99:8.1f} {1:15.2f}")
        print(f"{'/translate, repeated (memory)':34} {memory_rps:8.0f} {memory_p99:8.1f} "
              f"{memory_rps / base_rps:15.2f}  (aim >= 0.5)")

        readers = Readers(f"{url}/ko/stories/lee-jae-myung-visits-japan", args.readers, args.reader_rate).start()
        time.sleep(2)                                             # warm
        idle_from = time.monotonic()
        time.sleep(args.seconds)
        idle_until = time.monotonic()
        stop, answered = threading.Event(), []
        threads = hammer(f"{url}/translate", args.clients, stop, answered)
        time.sleep(args.seconds)
        busy_until = time.monotonic()
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        readers.stop()
        idle_p99, idle_n, idle_p50 = readers.p99(idle_from, idle_until)
        busy_p99, busy_n, busy_p50 = readers.p99(idle_until, busy_until)
        print(f"readers ({args.readers} x {args.reader_rate:g}/s, story page): idle p99 {idle_p99 * 1000:.1f} ms "
              f"(median {idle_p50 * 1000:.1f}, {idle_n} requests); while {args.clients} clients hammer /translate "
              f"({len(answered)} translations in {args.seconds} s): p99 {busy_p99 * 1000:.1f} ms "
              f"(median {busy_p50 * 1000:.1f}, {busy_n} requests) = {busy_p99 / idle_p99:.2f}x idle (aim <= 2)")
    finally:
        for process in (worker, web, hello):
            process.terminate()
            process.wait(timeout=60)


if __name__ == "__main__":
    main()
