"""Reader pages: the story list and one story per language, plus the language switcher."""
from __future__ import annotations

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for

from ..config import READING_LANGUAGES
from ..reading import localize_stories, localize_story
from ..stories import get_story
from ..store.queries import list_stories
from ..wiring import services
from .locale import COOKIE, LANGUAGE_NAMES, preferred_language, safe_next

pages = Blueprint("pages", __name__)
LANG = "<any(en,ko,ja):lang>"
ONE_YEAR = 365 * 24 * 3600


@pages.get("/")
def root():
    response = redirect(url_for("pages.index", lang=preferred_language()), code=302)
    response.vary.update(("Accept-Language", "Cookie"))
    return response


@pages.get("/language/<lang>")
def choose_language(lang: str):
    """The switcher's target: remember the choice in a cookie, then go to the page asked for."""
    if lang not in READING_LANGUAGES:
        abort(404)
    response = redirect(safe_next(request.args.get("next"), url_for("pages.index", lang=lang)), code=302)
    response.set_cookie(COOKIE, lang, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


@pages.get(f"/{LANG}/")
def index(lang: str):
    with services().store.reading() as session:
        stories = list_stories(session)
    views = localize_stories(stories, lang, services().resolver)
    return render_template("index.html", lang=lang, views=views, alternates=alternates("pages.index"))


@pages.get(f"/{LANG}/stories/<story_id>")
def story(lang: str, story_id: str):
    found = get_story(services().store, story_id)
    if found is None:
        abort(404)
    view = localize_story(found, lang, services().resolver)
    return render_template("story.html", lang=lang, view=view,
                           alternates=alternates("pages.story", story_id=story_id))


def alternates(endpoint: str, **values) -> dict[str, str]:
    """Paths of this page in every reading language, for hreflang and the switcher."""
    return {code: url_for(endpoint, lang=code, **values) for code in READING_LANGUAGES}


@pages.app_context_processor
def _page_helpers():
    return {"language_names": LANGUAGE_NAMES, "reading_languages": READING_LANGUAGES, "site_root": _site_root()}


def _site_root() -> str:
    """Where absolute links point: KAKEHASHI_PUBLIC_URL when set, so a forged Host header cannot
    put another site into our hreflang links (and into caches); else the request's own root."""
    return (services().settings.public_url or request.url_root).rstrip("/")


def not_found_page(error):
    lang = (request.view_args or {}).get("lang") or preferred_language()
    lang = lang if lang in READING_LANGUAGES else "en"
    return make_response(render_template("404.html", lang=lang, alternates={}), 404)
