"""How pages show errors: what names nothing (a missing story, a cursor this service did not
make, an unknown path) is the localized 404 page."""
from __future__ import annotations

from flask import Response, abort, make_response, render_template, request

from ..core.config import READING_LANGUAGES
from ..core.errors import DomainError, InvalidInput, NotFound
from .locale import path_language, preferred_language


def not_found_page(error: Exception) -> Response:
    lang = (request.view_args or {}).get("lang") or path_language() or preferred_language()
    lang = lang if lang in READING_LANGUAGES else "en"
    return make_response(render_template("404.html", lang=lang, alternates={}), 404)


def page_for(error: DomainError) -> Response:
    """Pages take no input but a path and a cursor, so a domain error is a page that does not exist;
    anything else would be a bug in a view: 400."""
    if isinstance(error, (NotFound, InvalidInput)):
        return not_found_page(error)
    abort(400)
