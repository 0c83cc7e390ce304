"""The collaborators of one process (store, translators, resolver, catalogs, jobs, reading), built
once per app.

Routes and CLI commands get them with ``services()`` instead of importing globals, so tests
can build an app around a temporary store and models folder. Web processes never translate:
writes enqueue jobs (``jobs``) that ``kakehashi worker`` runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app, g, has_request_context
from limits import storage

from ..catalogs.watcher import CatalogWatcher
from ..core.config import Settings
from ..core.localize import Resolver
from ..jobs.client import JobClient
from ..jobs.owed import OwedWatch
from ..jobs.withdrawals import SweepingCatalogWatcher
from ..store import Store, make_store
from ..store.ratelimits import StoreCounters
from ..store.translations import StoredHumanTranslations, StoredMachineTranslations
from ..store.versions import SiteVersion
from ..translate.memory import EngineCall, SentenceMemory
from ..translate.registry import Translators
from ..usecases.documents import DocumentCache
from ..usecases.reading import Reading
from ..usecases.searching import Searching
from ..usecases.stories import Stories
from ..usecases.translating import MemoryFirstBackend
from .searchlimit import AddressLimit


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
    stories: Stories
    owed_watch: OwedWatch = field(default_factory=OwedWatch)     # how long /healthz has seen work uncovered


def build_services(settings: Settings) -> Services:
    store = make_store(settings.database_url)
    translators = Translators(settings)
    resolver = Resolver(human=StoredHumanTranslations(store), machine=StoredMachineTranslations(store))
    jobs = JobClient(settings)
    reading = Reading(store, settings.page_size)
    return Services(settings=settings, store=store, translators=translators, resolver=resolver, jobs=jobs,
                    catalog_watcher=SweepingCatalogWatcher(settings, store, jobs),
                    reading=reading, documents=DocumentCache(settings.read_cache_bytes),
                    search=Searching(store, settings.page_size, settings.max_search_chars),
                    stories=Stories(store, reading, jobs.translate))


def register_services(app: Flask, settings: Settings) -> None:
    app.extensions["kakehashi"] = build_services(settings)
    app.extensions["kakehashi_search_limit"] = AddressLimit(settings.search_rate_limit, settings.search_rate_limit_storage)


def services() -> Services:
    found: Services = current_app.extensions["kakehashi"]
    return found


def rate_counters(uri: str, store: Store) -> storage.Storage:
    """Where hits are counted: ``store`` (the default), or a ``limits`` storage URI."""
    if uri == "store":
        return StoreCounters(store)
    found = storage.storage_from_string(uri)
    if not isinstance(found, storage.Storage):
        raise ValueError(f"{uri} is an asynchronous storage; give a synchronous one (redis://, memory://)")
    return found


ANSWER_CACHE_BYTES = 2 * 1024 * 1024       # whole /translate answers kept per process


def memory_first_backend(services: Services, engine_call: EngineCall) -> MemoryFirstBackend:
    """The service's backend: the store's sentence memory, the pairs the workers published (no
    model is ever loaded here), and ``engine_call`` for the sentences the memory has not seen."""

    def site() -> SiteVersion:
        """The store's versions, read once per request: one /translate asks for the pairs, the
        answer's version and, on a miss, the engines (three probes without this)."""
        if not has_request_context():
            return services.reading.site()
        if "kakehashi_site" not in g:
            g.kakehashi_site = services.reading.site()
        found: SiteVersion = g.kakehashi_site
        return found

    return MemoryFirstBackend(SentenceMemory(services.store), lambda: services.reading.engines(site()), engine_call,
                              version=lambda: site().generation, answers=DocumentCache(ANSWER_CACHE_BYTES))
