"""Template filters for story text: links in posts, and the generic attribution labels.

``linkify``: a URL in a post (``https://…``, ``www.…``, or scheme-less ``pic.twitter.com/…``) becomes
a link with ``rel="nofollow noopener"``; everything else is escaped as text.
``attribution``: the few attributions that are labels rather than names ("Source article") are
UI strings, translated through the catalogs; names stay as written.
"""
from __future__ import annotations

import re

from flask import Flask
from flask_babel import gettext
from markupsafe import Markup, escape

URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/|t\.co/)[^\s<>\"'“”「」『』（）]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}。、"


def linkify(text: str) -> Markup:
    parts: list[str] = []
    last = 0
    for match in URL.finditer(text):
        url = match.group().rstrip(TRAILING)
        end = match.start() + len(url)
        href = url if re.match(r"https?://", url, re.IGNORECASE) else f"https://{url}"
        parts.append(str(escape(text[last:match.start()])))
        parts.append(f'<a href="{escape(href)}" rel="nofollow noopener">{escape(url)}</a>')
        last = end
    parts.append(str(escape(text[last:])))
    return Markup("".join(parts))


def attribution(name: str) -> str:
    labels: dict[str, str] = {"Source article": gettext("Source article"),
              "Source article (no agency named)": gettext("Source article (no agency named)")}
    return labels.get(name, name)


def register_text_filters(app: Flask) -> None:
    app.jinja_env.filters["linkify"] = linkify
    app.jinja_env.filters["attribution"] = attribution
