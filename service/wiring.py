"""The collaborators of one process (store, translators, resolver, catalogs, jobs, reading), built
once per app.

Routes and CLI commands get them with ``services()`` instead of importing globals, so tests
can build an app around a temporary store and models folder. Web processes never translate:
writes enqueue jobs (``jobs``) that ``kakehashi worker`` runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app

from .catalogs.watcher import CatalogWatcher
from .config import Settings
from .documents import DocumentCache
from .jobs.client import JobClient
from .jobs.owed import OwedWatch
from .jobs.withdrawals import SweepingCatalogWatcher
from .localize import Resolver
from .reading import Reading
from .searching import Searching
from .searchlimit import AddressLimit
from .store import Store, make_store
from .store.translations import StoredHumanTranslations, StoredMachineTranslations
from .translate.registry import Translators


@dataclass
class Services:
    settings: Settings
    store: Store
    translators: Translators
    resolver: Resolver
    jobs: JobClient
    catalog_watcher: CatalogWatcher
    reading: Reading
    documents: DocumentCache
    search: Searching
    owed_watch: OwedWatch = field(default_factory=OwedWatch)     # how long /healthz has seen work uncovered


def build_services(settings: Settings) -> Services:
    store = make_store(settings.database_url)
    translators = Translators(settings)
    resolver = Resolver(human=StoredHumanTranslations(store), machine=StoredMachineTranslations(store))
    jobs = JobClient(settings)
    return Services(settings=settings, store=store, translators=translators, resolver=resolver, jobs=jobs,
                    catalog_watcher=SweepingCatalogWatcher(settings, store, jobs),
                    reading=Reading(store, settings.page_size), documents=DocumentCache(settings.read_cache_bytes),
                    search=Searching(store, settings.page_size, settings.max_search_chars))


def register_services(app: Flask, settings: Settings) -> None:
    app.extensions["kakehashi"] = build_services(settings)
    app.extensions["kakehashi_search_limit"] = AddressLimit(settings.search_rate_limit, settings.search_rate_limit_storage)


def services() -> Services:
    found: Services = current_app.extensions["kakehashi"]
    return found
