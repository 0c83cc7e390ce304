"""Telling every process, through the store, that something it caches changed on this machine:
the UI catalogs were compiled, or the installed translation models changed.

Web processes on any machine read these versions at their next request; no message passes
between processes.
"""
from __future__ import annotations

from pathlib import Path

from ..store import Store
from ..store.changes import publish_engines
from ..store.versions import bump_ui
from ..translate.packages import active_packages


def announce_ui_catalogs(store: Store) -> None:
    """Serving processes reload the UI catalogs before their next page. Before ``kakehashi init``
    there is no store and nobody serving: nothing to tell."""
    if store.is_initialized():
        with store.transaction() as session:
            bump_ui(session)


def publish_installed(store: Store, models_dir: Path) -> None:
    """Which packages this machine has now (what makes machine text current everywhere). The
    folder is read under the store's write lock: a publisher that read it earlier (a worker, a
    concurrent install or removal) cannot commit its older view after this one."""
    with store.transaction() as session:
        packages = active_packages(models_dir)
        publish_engines(session, {pair: package.engine for pair, package in packages.items()})
