"""Tools keep to their own store: with every ``KAKEHASHI_*`` path and URL of the shell pointing at a
sentinel (a store holding the demo story, a models folder, a catalogs folder, a Redis queue and
rate-limit storage), the benchmarks' set-up and a short run change nothing there."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import redis

from service.core.config import PROJECT_ROOT
from support.server import NO_NETWORK

BENCH = PROJECT_ROOT / "benchmarks"
SHORT_RUNS = {
    "archive.py": ["30", "--folder", "{scratch}/archive"],
    "serve.py": ["--stories", "30", "--seconds", "1", "--rounds", "1", "--connections", "2"],
    "workers.py": ["--seconds", "1", "--rounds", "1", "--connections", "2"],
    "mt.py": ["--model", "{model}", "--sentences", "4", "--skip-argos", "--shipped-sample", "0", "--repeats", "1",
              "--idle-seconds", "1", "--readers", "1", "--queue-concurrency", "1", "--max-decoding-length", "8"],
}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (the store's -wal/-shm included) and its content hash."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def sentinel_env(sentinel: Path, redis_url: str) -> dict[str, str]:
    import os

    env = {name: value for name, value in os.environ.items() if not name.startswith("KAKEHASHI_")}
    env.update({"KAKEHASHI_INSTANCE_DIR": str(sentinel / "instance"),
                "KAKEHASHI_DATABASE_URL": f"sqlite:///{sentinel / 'store.sqlite3'}",
                "KAKEHASHI_MODELS_DIR": str(sentinel / "models"),
                "KAKEHASHI_TRANSLATIONS_DIR": str(sentinel / "translations"),
                "KAKEHASHI_QUEUE_URL": redis_url, "KAKEHASHI_MT_RATE_LIMIT_STORAGE": redis_url.rsplit("/", 1)[0],
                "KAKEHASHI_API_TOKENS": "sentinel-token", "KAKEHASHI_MT_BACKGROUND": "true"})
    return env


def test_the_benchmarks_never_touch_the_store_the_shell_names(tmp_path, redis_server, mt_packages,
                                                             translations_dir):
    sentinel = tmp_path / "sentinel"
    (sentinel / "models").mkdir(parents=True)
    (sentinel / "instance").mkdir()
    (sentinel / "models" / "README").write_text("an operator's models folder\n")
    translations_dir.rename(sentinel / "translations")
    env = sentinel_env(sentinel, redis_server.url)
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "kakehashi"), "init"], env=env, check=True, capture_output=True)
    queue = redis.Redis(host="127.0.0.1", port=redis_server.port)
    keys_before = sorted(queue.keys("*"))
    before = snapshot(sentinel)
    assert "store.sqlite3" in before, "the sentinel store exists and holds the demo story"

    env["PYTHONPATH"] = str(NO_NETWORK)
    scratch = tmp_path / "scratch"
    outputs = {}
    for script, arguments in SHORT_RUNS.items():
        command = [sys.executable, str(BENCH / script),
                   *(a.format(scratch=scratch, model=mt_packages.en_ko) for a in arguments)]
        run = subprocess.run(command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=240)
        assert run.returncode == 0, f"{script}:\n{run.stdout[-2000:]}\n{run.stderr[-3000:]}"
        outputs[script] = run.stdout

    changed = {name for name in set(before) | set(snapshot(sentinel))
               if before.get(name) != snapshot(sentinel).get(name)}
    assert changed == set(), f"the benchmarks changed the sentinel: {sorted(changed)}"
    assert sorted(queue.keys("*")) == keys_before, "nothing was enqueued on the sentinel queue"
    for script in ("serve.py", "workers.py", "mt.py"):
        assert "store: sqlite:///" in outputs[script] and str(sentinel) not in outputs[script], \
            f"{script} says which store it uses, and it is its own"
    queue.close()
