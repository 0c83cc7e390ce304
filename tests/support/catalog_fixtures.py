"""Fixtures and helpers for the catalog tests (a pytest plugin listed in conftest.py).

``catalog_store`` is a bare store on a temporary SQLite file with stories written as rows, so
the catalog modules are tested without the app; the app-level tests use conftest's ``app``.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import delete

from service.catalogs import TEMPLATES, story_path
from service.catalogs.importer import import_file
from service.core.domain import source_hash
from service.store import Base, FieldRow, MachineTranslationRow, Store, StoryRow, make_store

MSGFMT = shutil.which("msgfmt") or "/usr/bin/msgfmt"


def msgfmt_check(path: Path) -> None:
    """gettext's own verdict on a file the tool wrote: no errors and no warnings."""
    result = subprocess.run([MSGFMT, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr.strip(), f"msgfmt --check {path}:\n{result.stderr}"


def put_story(store: Store, story_id: str, fields: list[tuple], published: dt.date = dt.date(2025, 8, 23)) -> None:
    """Replace a story's fields; each field is (role, source lang, text[, snippet index[, attribution]])."""
    with store.transaction() as session:
        row = session.get(StoryRow, story_id)
        if row is None:
            row = StoryRow(id=story_id, version=1)
        else:
            row.version += 1          # as every real write does: export renders the story again
        row.published, row.title = published, None
        session.add(row)
        session.flush()
        session.execute(delete(FieldRow).where(FieldRow.story_id == story_id))
        for position, spec in enumerate(fields):
            role, lang, text = spec[:3]
            index = spec[3] if len(spec) > 3 else position
            attribution = spec[4] if len(spec) > 4 else None
            session.add(FieldRow(story_id=story_id, position=position, role=role, source_index=index,
                                 source_lang=lang, source_text=text, source_hash=source_hash(lang, text),
                                 attribution=attribution))


def drop_story(store: Store, story_id: str) -> None:
    with store.transaction() as session:
        session.execute(delete(FieldRow).where(FieldRow.story_id == story_id))
        session.execute(delete(StoryRow).where(StoryRow.id == story_id))


def put_machine(store: Store, lang: str, source_lang: str, text: str, translation: str,
                engine: str = "argos:en-ko:1.1") -> None:
    with store.transaction() as session:
        session.merge(MachineTranslationRow(source_hash=source_hash(source_lang, text), target_lang=lang,
                                            engine=engine, source_lang=source_lang, text=translation))


class FakeMachine:
    """The resolver's machine seam, backed by a dict: (lang, source lang, text) -> (text, engine)."""

    def __init__(self, table: dict | None = None):
        self.table = dict(table or {})

    def lookup(self, lang, items):
        return {(sl, text): self.table[(lang, sl, text)] for sl, text in items if (lang, sl, text) in self.table}


DEMO_FIELDS = [
    ("title", "en", "Lee Jae-myung makes his first full visit to Japan", 0),
    ("point", "en", "Lee chose Tokyo as the first stop before meeting Trump in Washington on August 25.", 1),
    ("point", "en", "Talks centred on security ties; see https://apnews.com/article/lee-japan for the report.", 2),
    ("quote", "ja", "大韓民国 李在明大統領をお迎えしました。 pic.twitter.com/DVFAgKVJgA", 3, "石破茂 (@shigeruishiba)"),
    ("heading", "en", "Reaffirming Cooperation and Regional Security", 4),
]


@pytest.fixture
def catalog_store(tmp_path) -> Store:
    store = make_store(f"sqlite:///{tmp_path}/catalogs.sqlite3")
    Base.metadata.create_all(store.engine)
    yield store
    store.engine.dispose()


@pytest.fixture
def catalog_dir(tmp_path) -> Path:
    directory = tmp_path / "catalogs"
    directory.mkdir()
    return directory


@pytest.fixture
def demo_store(catalog_store) -> Store:
    put_story(catalog_store, "visit", DEMO_FIELDS)
    return catalog_store


DEMO_DATE = dt.date(2025, 8, 23)


def story_file(directory: Path, lang: str, story_id: str = "visit", published: dt.date = DEMO_DATE) -> Path:
    """A story's catalog file for ``lang`` (``TEMPLATES``: its template)."""
    return story_path(directory, lang, story_id, published)


def story_template(directory: Path, story_id: str = "visit", published: dt.date = DEMO_DATE) -> Path:
    return story_path(directory, TEMPLATES, story_id, published)


def ko_po(directory: Path) -> Path:
    return story_file(directory, "ko")


def import_catalog(store: Store, directory: Path, lang: str, story_id: str = "visit", **kwargs):
    """Import one story's file for ``lang``, as the watcher and ``catalog import`` do."""
    return import_file(store, directory, story_file(directory, lang, story_id), **kwargs)
