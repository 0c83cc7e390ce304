"""Reader pages: the story list, one story, the Atom feed per language, and the switcher.

Every page is a cached document (``service.usecases.documents``): one cheap query says whether the
stored bytes are current; only a change makes a page render again.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Hashable

from flask import Blueprint, Response, abort, current_app, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..core.config import READING_LANGUAGES
from ..core.cursor import Cursor, RankedCursor
from ..core.errors import DomainError, InvalidInput
from ..http.conditional import respond
from ..http.searchlimit import search_limited
from ..http.wiring import services
from ..usecases.documents import Validity
from ..usecases.searching import BadQuery
from .errors import page_for
from .locale import COOKIE, LANGUAGE_NAMES, preferred_language, safe_next

pages = Blueprint("pages", __name__)
pages.register_error_handler(DomainError, page_for)
LANG = f"<any({','.join(READING_LANGUAGES)}):lang>"   # a URL converter over the reading languages
ONE_YEAR = 365 * 24 * 3600
HTML = "text/html"


@pages.get("/")
def root() -> ResponseReturnValue:
    response = redirect(url_for("pages.index", lang=preferred_language()), code=302)
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@pages.get("/language/<lang>")
def choose_language(lang: str) -> ResponseReturnValue:
    """The switcher's target: remember the choice in a cookie, then go to the page asked for."""
    if lang not in READING_LANGUAGES:
        abort(404)
    response = redirect(safe_next(request.args.get("next"), url_for("pages.index", lang=lang)), code=302)
    response.set_cookie(COOKIE, lang, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


def serve_page(key: tuple[Any, ...], validity: Validity, render: Callable[[], str], mimetype: str = HTML) -> Response:
    """A page from the document cache; its token adds the UI catalogs and the site's address."""
    ui = current_app.extensions["kakehashi_ui"]
    ui.follow(validity.ui_generation)
    root = _site_root()
    token: Hashable = (validity.token, ui.version, root)
    ui_modified = dt.datetime.fromtimestamp(ui.modified, dt.timezone.utc)
    full = Validity(token, max(validity.last_modified, ui_modified))
    document = services().documents.get_or_build(("page", *key, root), full,
                                                 lambda: (render().encode("utf-8"), mimetype))
    return respond(document, request)


def cursor_arg() -> Cursor | None:
    """The ``?cursor=`` of a list page; a cursor we did not make is a page that does not exist."""
    raw = request.args.get("cursor")
    if raw is None:
        return None
    try:
        return Cursor.decode(raw)
    except InvalidInput:
        abort(404)


@pages.get(f"/{LANG}/")
def index(lang: str) -> ResponseReturnValue:
    cursor = cursor_arg()
    reading = services().reading
    validity = reading.page_validity(cursor, reading.page_size)

    def render() -> str:
        page = reading.page(lang, cursor)
        return render_template("index.html", lang=lang, page=page, alternates=alternates("pages.index"),
                               next_url=url_for("pages.index", lang=lang, cursor=page.next.encode())
                               if page.next else None)

    return serve_page(("index", lang, cursor), validity, render)


@pages.get(f"/{LANG}/stories/<story_id>")
def story(lang: str, story_id: str) -> ResponseReturnValue:
    reading = services().reading
    validity = reading.story_validity(story_id)
    if validity is None:
        abort(404)

    def render() -> str:
        view = reading.story(story_id, lang)
        if view is None:            # deleted between the check and the build
            abort(404)
        return render_template("story.html", lang=lang, view=view,
                               alternates=alternates("pages.story", story_id=story_id))

    return serve_page(("story", lang, story_id), validity, render)


@pages.get(f"/{LANG}/feed.atom")
def feed(lang: str) -> ResponseReturnValue:
    """The newest stories in ``lang`` as an Atom feed (RFC 4287)."""
    reading = services().reading
    validity = reading.page_validity(None, reading.page_size)

    def render() -> str:
        return render_template("feed.xml", lang=lang, page=reading.page(lang, None),
                               updated=validity.last_modified)

    return serve_page(("feed", lang), validity, render, mimetype="application/atom+xml")


@pages.get(f"/{LANG}/search")
@search_limited
def search(lang: str) -> ResponseReturnValue:
    """Search in what a reader of ``lang`` is served; no ``q``: the box alone; a bad one: 400 and why."""
    raw = request.args.get("q")
    svc = services()
    validity = svc.search.validity()
    if not raw:
        return serve_page(("search", lang, None, None), validity, lambda: render_template(
            "search.html", lang=lang, query="", page=None, error=None, alternates=alternates("pages.search")))
    try:
        query = svc.search.query(raw)
    except BadQuery as error:
        html = render_template("search.html", lang=lang, query=raw, page=None, error=error.code, alternates={})
        return make_response(html, 400)
    try:
        cursor = RankedCursor.decode(request.args["cursor"]) if "cursor" in request.args else None
    except InvalidInput:
        abort(404)

    def render() -> str:
        page = svc.search.search(lang, query, cursor)
        return render_template("search.html", lang=lang, query=query, page=page, error=None,
                               alternates=alternates("pages.search", q=query),
                               next_url=url_for("pages.search", lang=lang, q=query, cursor=page.next.encode())
                               if page.next else None)

    return serve_page(("search", lang, query, cursor), validity, render)


def alternates(endpoint: str, **values: Any) -> dict[str, str]:
    """Paths of this page in every reading language, for hreflang and the switcher."""
    return {code: url_for(endpoint, lang=code, **values) for code in READING_LANGUAGES}


@pages.app_context_processor
def _page_helpers() -> dict[str, Any]:
    return {"language_names": LANGUAGE_NAMES, "reading_languages": READING_LANGUAGES, "site_root": _site_root()}


def _site_root() -> str:
    """Where absolute links point: KAKEHASHI_PUBLIC_URL when set, so a forged Host header cannot
    put another site into our hreflang links (and into caches); else the request's own root."""
    return services().settings.public_url.rstrip("/") or f"{request.scheme}://{request.host}{request.script_root}"
