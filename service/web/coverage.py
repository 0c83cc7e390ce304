"""``/<lang>/translate``: what is translated, per language and per story, for translators.

Same numbers as ``catalog stats`` and ``/api/v1/coverage`` (``coverage_report``); the page only
lays them out, in the page's language.
"""
from __future__ import annotations

from flask import Blueprint, render_template

from ..catalogs.stats import coverage_report
from ..config import READING_LANGUAGES
from ..wiring import services
from .pages import alternates

coverage_pages = Blueprint("coverage_pages", __name__)


@coverage_pages.get("/<any(en,ko,ja):lang>/translate")
def translate(lang: str):
    svc = services()
    report = coverage_report(svc.store, svc.resolver, svc.settings.translations_dir, READING_LANGUAGES,
                             title_lang=lang)
    return render_template("translate.html", lang=lang, report=report,
                           alternates=alternates("coverage_pages.translate"))
