"""Reader routes under load at a realistic archive size, as ratios to a bare Flask app.

Both run under gunicorn exactly as ``make serve`` runs Kakehashi (``gunicorn.conf.py``), loaded
by wrk from the same machine, in the same run; the ratios are what to compare across changes,
not the raw numbers. The store holds ``--stories`` synthetic stories (default 10,000); it is one this run creates
(``scratch.py``), whatever ``KAKEHASHI_*`` the shell has.
Targets: a story as JSON and as a page (ko), the index page, the story list, a 304
revalidation, stories spread over 5,000 ids as JSON and pages (misses; the cache fills to its
bound), then the cold cost of the first read after a write and the RSS of each web worker
after the reads, and again after the writes (a worker loads the summarizer at its first write).
Usage: python benchmarks/serve.py [--stories 10000] [--seconds 5] [--rounds 3] [--connections 32]
"""
from __future__ import annotations

import argparse
import json
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

from scratch import scratch_env

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STORY = "synthetic-04242"              # with --stories above 4242; else the last one
DEMO = "lee-jae-myung-visits-japan"   # what `kakehashi init` loads
TOKEN = "bench-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(app_spec: str, env: dict, cwd: Path, ready_path: str = "/", seconds: float = 30) -> tuple[subprocess.Popen, str]:
    """gunicorn with the project's gunicorn.conf.py (as `make serve`), only the app differs; ready
    once ``ready_path`` answers (within ``seconds``)."""
    port = free_port()
    process = subprocess.Popen([str(BIN / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"),
                                "--access-logfile", "/dev/null", app_spec],
                               env={**env, "KAKEHASHI_PORT": str(port)}, cwd=cwd,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(int(seconds * 10)):
        try:
            urllib.request.urlopen(url + ready_path, timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{app_spec} did not start")


def to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def load(url: str, seconds: int, connections: int, headers: dict | None = None,
         script: Path | None = None) -> tuple[float, float]:
    command = ["wrk", "--latency", "-t2", f"-c{connections}", f"-d{seconds}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses")
    return rps, to_ms(*p99.groups())


def spread_script(folder: Path, count: int) -> Path:
    """A wrk script that walks over ``count`` different stories, as JSON and as pages (many
    documents: the cache fills to its bound and evicts, so the RSS after it is the worst case)."""
    path = folder / "spread.lua"
    path.write_text(f"""
counter = 0
request = function()
  counter = counter + 1
  local n = (counter * 7919) % {count}
  if counter % 2 == 0 then
    return wrk.format("GET", string.format("/api/v1/stories/synthetic-%05d?lang=ko", n))
  end
  return wrk.format("GET", string.format("/ko/stories/synthetic-%05d", n))
end
""")
    return path


def cold_read_ms(url: str, story: str, samples: int = 20) -> float:
    """Median time of the first read of a story right after a write to it (the rebuild)."""
    times = []
    for n in range(samples):
        body = {"id": story, "published": "2024-01-01", "title": f"Edited title {n}", "snippets": [
            {"lang": "en", "kind": "paragraph", "attribution": "Bench",
             "text": f"Edit number {n} was made today. It changes the story. Readers see it at once."}]}
        request = urllib.request.Request(f"{url}/api/v1/stories/{story}", data=json.dumps(body).encode(),
                                         method="PUT", headers={"Authorization": f"Bearer {TOKEN}",
                                                                "Content-Type": "application/json"})
        urllib.request.urlopen(request, timeout=30).read()
        started = time.perf_counter()
        urllib.request.urlopen(f"{url}/ko/stories/{story}", timeout=30).read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def worker_rss_mib(master: subprocess.Popen) -> list[float]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does it)")
    instance = Path(tempfile.mkdtemp(prefix="kakehashi-bench-"))
    env = scratch_env(instance, KAKEHASHI_API_TOKENS=TOKEN)
    subprocess.run([str(BIN / "kakehashi"), "init"], env=env, check=True, capture_output=True)
    subprocess.run([str(BIN / "python"), str(ROOT / "benchmarks" / "archive.py"), str(args.stories),
                    "--folder", str(instance)], env=env, check=True, capture_output=True)
    story = STORY if args.stories > 4242 else f"synthetic-{args.stories - 1:05d}"
    etag_of = {}
    spread = spread_script(instance, min(5000, args.stories))
    targets = [("hello (bare Flask)", "hello", "/", None),
               ("story JSON ?lang=ko", "app", f"/api/v1/stories/{story}?lang=ko", None),
               ("story page /ko/stories", "app", f"/ko/stories/{story}", None),
               ("index page /ko/", "app", "/ko/", None),
               ("story list API", "app", "/api/v1/stories?lang=ko", None),
               ("304 revalidation", "app", f"/api/v1/stories/{story}?lang=ko", "etag"),
               ("5,000 stories, JSON+page", "app", "/", "spread")]
    apps = {"hello": ("hello_app:create_app()", ROOT / "benchmarks"), "app": ("service:create_app()", ROOT)}
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, *_ in targets}
    cold, rss, rss_written = [], [], []
    for _ in range(args.rounds):
        for name, which, path, mode in targets:
            process, url = start(apps[which][0], env, apps[which][1])
            try:
                headers, script = None, None
                if mode == "etag":
                    with urllib.request.urlopen(url + path) as response:
                        etag_of[path] = response.headers["ETag"]
                    headers = {"If-None-Match": etag_of[path]}
                elif mode == "spread":
                    script = spread
                load(url + path, 1, args.connections, headers, script)  # warm up: caches, lazy loads
                runs[name].append(load(url + path, args.seconds, args.connections, headers, script))
                if which == "app" and mode == "spread":
                    rss += worker_rss_mib(process)
                    cold.append(cold_read_ms(url, story))
                    rss_written += worker_rss_mib(process)
            finally:
                process.terminate()
                process.wait()
    results = {name: (statistics.median(r for r, _ in values), statistics.median(p for _, p in values))
               for name, values in runs.items()}
    shutil.rmtree(instance, ignore_errors=True)
    base_rps, base_p99 = results["hello (bare Flask)"]
    print(f"{args.stories} stories stored; gunicorn.conf.py as make serve; wrk {args.connections} connections; "
          f"median of {args.rounds} runs of {args.seconds} s each")
    print(f"{'target':26} {'req/s':>9} {'p99 ms':>8} {'req/s vs hello':>15} {'p99 vs hello':>13}")
    for name, (rps, p99) in results.items():
        print(f"{name:26} {rps:9.0f} {p99:8.1f} {rps / base_rps:15.2f} {p99 / base_p99:13.2f}")
    cold_ms = statistics.median(cold)
    print(f"{'first read after a write':26} {cold_ms:8.1f} ms (a page rebuilt; {cold_ms / base_p99:.2f}x hello's p99)")
    print(f"web worker RSS after the spread run: {', '.join(f'{mb:.0f} MiB' for mb in rss)}")
    print(f"... and after the writes (the summarizer loaded): {', '.join(f'{mb:.0f} MiB' for mb in rss_written)}")


if __name__ == "__main__":
    main()
