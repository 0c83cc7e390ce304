"""``/<lang>/translate``: what is translated, per language and per story, for translators.

Same numbers as ``catalog stats`` and ``/api/v1/coverage`` (``coverage_report``); the page only
lays them out, in the page's language.
"""
from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue

from ..core.config import READING_LANGUAGES
from ..core.errors import DomainError
from ..http.wiring import services
from ..usecases.coverage import coverage_report
from .errors import page_for
from .pages import LANG, alternates, cursor_arg, serve_page

coverage_pages = Blueprint("coverage_pages", __name__)
coverage_pages.register_error_handler(DomainError, page_for)


@coverage_pages.get(f"/{LANG}/translate")
def translate(lang: str) -> ResponseReturnValue:
    svc = services()
    cursor = cursor_arg()

    def render() -> str:
        report = coverage_report(svc.store, svc.settings.translations_dir, READING_LANGUAGES, title_lang=lang,
                                 cursor=cursor, limit=svc.settings.page_size)
        next_url = url_for("coverage_pages.translate", lang=lang, cursor=report["next"].encode()) \
            if report["next"] else None
        return render_template("translate.html", lang=lang, report=report, next_url=next_url,
                               alternates=alternates("coverage_pages.translate"))

    return serve_page(("translate", lang, cursor), svc.reading.site_validity(), render)
