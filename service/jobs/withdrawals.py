"""A catalog import that withdraws a human translation (an entry marked fuzzy again) leaves its
field to machine translation: the watcher then enqueues a sweep, which enqueues what is missing."""
from __future__ import annotations

from ..catalogs.importer import ImportReport
from ..catalogs.watcher import CatalogWatcher
from ..core.config import Settings
from ..store import Store
from .client import JobClient


def withdrew(reports: list[ImportReport]) -> bool:
    return any(report.withdrawn for report in reports)


class SweepingCatalogWatcher(CatalogWatcher):
    def __init__(self, settings: Settings, store: Store, jobs: JobClient):
        super().__init__(settings, store)
        self.jobs = jobs

    def check_now(self) -> list[ImportReport]:
        reports = super().check_now()
        if withdrew(reports):
            self.jobs.sweep()
        return reports
