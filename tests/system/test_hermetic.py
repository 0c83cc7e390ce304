"""Tests build their catalogs from tracked files only, so they pass in a used checkout."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from service.core.config import PROJECT_ROOT
from support.tracked import copy_tracked


def _used_checkout(tmp_path: Path) -> Path:
    """A git repository holding the project's tracked catalogs, then used: a catalog exported
    (untracked content.po and content.pot) and the UI catalogs compiled (.mo)."""
    root = tmp_path / "checkout"
    copy_tracked(PROJECT_ROOT, "translations", root / "translations")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "translations"], check=True)
    catalogs = root / "translations"
    (catalogs / "content.pot").write_text('msgid ""\nmsgstr ""\n', encoding="utf-8")
    (catalogs / "ko" / "LC_MESSAGES" / "content.po").write_text(
        'msgctxt "x/title"\nmsgid "Hello"\nmsgstr "leaked"\n', encoding="utf-8")
    (catalogs / "ko" / "LC_MESSAGES" / "messages.mo").write_bytes(b"not a catalog")
    return root


def test_an_exported_catalog_in_a_used_checkout_does_not_reach_the_tests(tmp_path):
    root = _used_checkout(tmp_path)
    copied = copy_tracked(root, "translations", tmp_path / "copy")
    names = sorted(str(path.relative_to(copied)) for path in copied.rglob("*") if path.is_file())
    assert names == ["en/LC_MESSAGES/messages.po", "ja/LC_MESSAGES/messages.po", "ko/LC_MESSAGES/messages.po",
                     "messages.pot"]


def test_without_git_only_the_ui_catalogs_are_copied(tmp_path):
    root = _used_checkout(tmp_path)
    shutil.rmtree(root / ".git")
    copied = copy_tracked(root, "translations", tmp_path / "copy")
    assert not list(copied.rglob("content.*")) and not list(copied.rglob("*.mo"))
    assert (copied / "ko" / "LC_MESSAGES" / "messages.po").is_file()


def test_the_session_catalogs_hold_no_content_catalog(compiled_translations):
    assert not list(compiled_translations.rglob("content.po")) and not list(compiled_translations.rglob("content.pot"))
