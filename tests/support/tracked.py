"""Copy the project's catalogs as the repository has them, never what a used checkout added.

A checkout where someone ran ``kakehashi catalog export`` holds untracked ``content.po`` files
(and compiled ``.mo`` files); copying the folder whole made tests depend on them.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

# What the repository tracks under translations/, for a copy of the project without git.
UI_CATALOGS = ("messages.pot", "*/LC_MESSAGES/messages.po")


def tracked_files(root: Path, folder: str) -> list[str]:
    """Paths under ``root/folder`` that git tracks; without a git checkout, the UI catalogs."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "--", folder], cwd=root, capture_output=True,
                                check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return sorted(str(path.relative_to(root)) for pattern in UI_CATALOGS
                      for path in (root / folder).glob(pattern))
    return sorted(name for name in listed.split("\0") if name)


def copy_tracked(root: Path, folder: str, target: Path) -> Path:
    """Copy the tracked files of ``root/folder`` into ``target`` (same layout below it)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in tracked_files(root, folder):
        destination = target / Path(name).relative_to(folder)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, destination)
    return target
