"""A realistic archive, fast: N synthetic stories, the demo story's snippets and summary copied.

Benchmarks and tests need many stories without summarizing each one: the demo story is
summarized once and its rows are copied under new ids and dates, in bulk, into the store of the
app given (which the caller created).
"""
from __future__ import annotations

import datetime as dt
import sys

from service.cli import demo_stories
from service.core.domain import source_hash
from service.store import FieldRow, SnippetRow, StoryRow
from service.store.versions import bump_site
from service.text.summarize import summarize

BATCH = 500


def fill(app, count: int, start: dt.date = dt.date(2020, 1, 1), quiet: bool = False) -> None:
    """Add ``count`` stories ``synthetic-<n>`` (three a day from ``start``) to the app's store."""
    with app.app_context():
        demo = demo_stories()[0]
        store = app.extensions["kakehashi"].store
    summary = summarize("synthetic", demo.title, demo.snippets)
    for first in range(0, count, BATCH):
        stories, snippets, fields = [], [], []
        for n in range(first, min(count, first + BATCH)):
            story_id = f"synthetic-{n:05d}"
            title = f"Story {n}: {demo.title}"
            stories.append({"id": story_id, "published": start + dt.timedelta(days=n // 3), "title": title,
                            "updated_at": dt.datetime.now(dt.timezone.utc), "version": 1})
            snippets += [{"story_id": story_id, "position": i, "lang": s.lang, "kind": s.kind, "text": s.text,
                          "attribution": s.attribution, "url": s.url, "date": s.date}
                         for i, s in enumerate(demo.snippets)]
            for f in summary:
                text = title if f.role == "title" else f.source_text
                fields.append({"story_id": story_id, "position": f.position, "role": f.role,
                               "source_index": f.source_index, "source_lang": f.source_lang, "source_text": text,
                               "source_hash": source_hash(f.source_lang, text), "attribution": f.attribution})
        with store.transaction() as session:
            session.execute(StoryRow.__table__.insert(), stories)
            session.execute(SnippetRow.__table__.insert(), snippets)
            session.execute(FieldRow.__table__.insert(), fields)
            bump_site(session)
        if not quiet:
            print(f"\r{min(count, first + BATCH)}/{count} stories", end="", file=sys.stderr, flush=True)
    if not quiet:
        print(file=sys.stderr)
