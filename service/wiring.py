"""The collaborators of one process (store, translators, resolver, catalogs), built once per app.

Routes and CLI commands get them with ``services()`` instead of importing globals, so tests
can build an app around a temporary store and models folder.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Flask, current_app

from .config import Settings
from .documents import DocumentCache
from .localize import Resolver
from .reading import Reading
from .store import Store, make_store


@dataclass
class Services:
    settings: Settings
    store: Store
    translators: "object"          # service.translate.registry.Translators
    resolver: Resolver
    background: "object"           # service.translate.background.BackgroundFill
    catalog_watcher: "object"      # service.catalogs.watcher.CatalogWatcher
    reading: Reading
    documents: DocumentCache


def build_services(settings: Settings) -> Services:
    from .catalogs.watcher import CatalogWatcher
    from .store.translations import StoredHumanTranslations, StoredMachineTranslations
    from .translate.background import BackgroundFill
    from .translate.registry import Translators

    store = make_store(settings.database_url)
    translators = Translators(settings)
    resolver = Resolver(human=StoredHumanTranslations(store), machine=StoredMachineTranslations(store))
    return Services(settings=settings, store=store, translators=translators, resolver=resolver,
                    background=BackgroundFill(settings, store, translators),
                    catalog_watcher=CatalogWatcher(settings, store),
                    reading=Reading(store, settings.page_size), documents=DocumentCache(settings.read_cache_bytes))


def register_services(app: Flask, settings: Settings) -> None:
    built = app.extensions["kakehashi"] = build_services(settings)
    swept = threading.Event()

    def sweep_once() -> None:
        """At a serving process's first request (never in CLI runs): translate, in the background,
        what a stopped process left missing."""
        if not swept.is_set():
            swept.set()
            if settings.mt_background and built.store.is_initialized():
                built.background.sweep()

    app.before_request(sweep_once)


def services() -> Services:
    return current_app.extensions["kakehashi"]
