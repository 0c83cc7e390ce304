"""What every benchmark runs on: a store, models folder, queue and catalogs folder it created.

Whatever ``KAKEHASHI_*`` variables the shell has (an operator's shell names the real store),
a benchmark drops them all and sets each place explicitly under a fresh folder; it says which
store it uses, and never opens one it did not create.
"""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.core.config import Settings  # noqa: E402 - after the path set-up above


def places(folder: Path) -> dict[str, str]:
    """The store, models, queue and catalogs of a run under ``folder``, as ``KAKEHASHI_*`` values."""
    instance = folder / "instance"
    return {"KAKEHASHI_INSTANCE_DIR": str(instance),
            "KAKEHASHI_DATABASE_URL": f"sqlite:///{instance / 'kakehashi.sqlite3'}",
            "KAKEHASHI_MODELS_DIR": str(instance / "models"),
            "KAKEHASHI_TRANSLATIONS_DIR": str(folder / "translations"),
            "KAKEHASHI_QUEUE_URL": "",                         # the SQLite queue in the instance folder
            "KAKEHASHI_MT_RATE_LIMIT_STORAGE": "memory://"}


def scratch_env(folder: Path, **extra: str) -> dict[str, str]:
    """The environment of the processes a benchmark starts: the shell's, minus every
    ``KAKEHASHI_*``, plus this run's own places (the project's UI catalogs copied in) and ``extra``."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "translations").exists():
        shutil.copytree(ROOT / "translations", folder / "translations",
                        ignore=shutil.ignore_patterns("content*"))   # UI catalogs only, compiled by make
    env = {name: value for name, value in os.environ.items() if not name.startswith("KAKEHASHI_")}
    env.update(places(folder))
    env.setdefault("KAKEHASHI_LOG_LEVEL", "WARNING")
    env.update(extra)
    announce(env["KAKEHASHI_DATABASE_URL"])
    return env


def own_settings(folder: Path, **overrides: object) -> Settings:
    """Settings of an in-process run under ``folder`` (never read from the environment)."""
    instance = folder / "instance"
    return Settings(instance_dir=instance, models_dir=instance / "models",
                    database_url=f"sqlite:///{instance / 'kakehashi.sqlite3'}",
                    translations_dir=folder / "translations", queue_url="", **overrides)  # type: ignore[arg-type]  # overrides are Settings fields


def announce(store_url: str) -> None:
    print(f"store: {store_url} (created for this run; the shell's KAKEHASHI_* settings are not used)", flush=True)
