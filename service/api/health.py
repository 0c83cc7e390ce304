"""What ``/healthz`` reports: store reachable, models installed, catalogs readable, the queue
(and the stories owed a translation that no job covers: ``degraded`` once that lasts longer
than a sweep period).

Always small, whatever is on disk. Without a token it says only how things are (status, the
store, installed pairs, and how many catalogs are ok or broken): a probe or a stranger learns
no file names and no messages. With ``Authorization: Bearer <a token from
KAKEHASHI_API_TOKENS>`` the first broken catalog files' details are added (file, first
problem as a short ``file:line: reason``, counts); a wrong token is a 401, so a typo is not mistaken for health.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from ..http.wiring import services
from ..jobs.status import queue_report
from ..translate.glossary_live import glossary_status
from .requests import require_token

health_api = Blueprint("health_api", __name__, url_prefix="/api/v1")


def _authorized() -> bool:
    if "Authorization" not in request.headers:
        return False
    require_token(services().settings)
    return True


def health_report() -> tuple[dict[str, Any], int]:
    svc = services()
    detailed = _authorized()
    store_ok = svc.store.is_reachable()
    initialized = store_ok and svc.store.is_initialized()
    catalogs = svc.catalog_watcher.status() if initialized else {"ok": 0, "broken": 0, "files": []}
    broken = catalogs["broken"]
    report: dict[str, Any] = {
        "status": "ok" if initialized else "unavailable",
        "store": {"reachable": store_ok, "initialized": initialized,
                  "backend": svc.store.engine.dialect.name},
        "models": svc.reading.models() if initialized else {"installed": [], "pivots": []},
        "catalogs": {"ok": catalogs["ok"], "broken": broken},
        "queue": queue_report(svc.settings, svc.store, svc.jobs, initialized, svc.owed_watch),
    }
    glossary = glossary_status(svc.store) if initialized else {"ok": True, "concepts": 0, "error": None}
    report["glossary"] = {"ok": glossary["ok"], "concepts": glossary["concepts"]}
    if detailed:
        report["catalogs"] = {**report["catalogs"], "files": catalogs["files"]}
        report["glossary"]["error"] = glossary["error"]     # file:line: reason, never the file's content
    if initialized and (broken or not report["queue"]["ok"]):
        report["status"] = "degraded"
    return report, 200 if initialized else 503


@health_api.get("/healthz")
def api_health() -> ResponseReturnValue:
    report, status = health_report()
    return jsonify(report), status
