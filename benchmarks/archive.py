"""Fill the store of a benchmark run with N synthetic stories (``tests/support/archive.py``).

Usage: python benchmarks/archive.py N --folder DIR   (the run's folder, as ``scratch.places`` lays
it out; never the store KAKEHASHI_DATABASE_URL names)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))   # support.archive, shared with the tests

from scratch import own_settings  # noqa: E402 - after the path set-up above

from service import create_app  # noqa: E402 - after the path set-up above
from service.store.migrate import upgrade  # noqa: E402 - after the path set-up above
from support.archive import fill  # noqa: E402 - after the path set-up above

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--folder", type=Path, required=True, help="the benchmark run's folder")
    args = parser.parse_args()
    settings = own_settings(args.folder)
    settings.instance_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)             # created (or already created by the run's `kakehashi init`)
    fill(create_app(settings), args.count)
