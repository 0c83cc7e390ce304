"""What ``/healthz`` reports: store reachable, models installed, catalogs readable."""
from __future__ import annotations

from ..jobs.status import queue_report
from ..wiring import services


def health_report() -> tuple[dict, int]:
    svc = services()
    store_ok = svc.store.is_reachable()
    initialized = store_ok and svc.store.is_initialized()
    catalogs = svc.catalog_watcher.status() if initialized else []
    report = {
        "status": "ok" if initialized else "unavailable",
        "store": {"reachable": store_ok, "initialized": initialized,
                  "backend": svc.store.engine.dialect.name},
        "models": svc.translators.describe(),
        "catalogs": catalogs,
        "queue": queue_report(svc.settings, svc.store, svc.jobs, initialized),
    }
    if initialized and (any(not c.get("ok", True) for c in catalogs) or not report["queue"]["ok"]):
        report["status"] = "degraded"
    return report, 200 if initialized else 503
