"""The app the tests build: on a fresh SQLite file with the demo story, the API token it accepts,
and machine text stored as a worker stores it."""
from __future__ import annotations

from service import create_app
from service.cli import demo_stories
from service.core.config import Settings
from service.store.migrate import upgrade
from service.usecases.stories import upsert_story

TOKEN = "test-token-0123456789"
DEMO_ID = "lee-jae-myung-visits-japan"


def make_app(settings: Settings, demo: bool = True):
    app = create_app(settings)
    app.config["TESTING"] = True
    upgrade(settings.database_url)
    if demo:
        with app.app_context():
            for story in demo_stories():
                upsert_story(app.extensions["kakehashi"].store, story)
    return app


def store_machine_texts(app, lang: str, engine: str, translate) -> None:
    """Machine text for every English field, stored as a worker stores it, its engine published."""
    from service.store import FieldRow, MachineTranslationRow
    from service.store.changes import bump_stories_with_texts, publish_engines

    store = app.extensions["kakehashi"].store
    with store.transaction() as session:
        fields = session.query(FieldRow).filter(FieldRow.source_lang == "en").all()
        for field in {f.source_hash: f for f in fields}.values():
            session.add(MachineTranslationRow(source_hash=field.source_hash, target_lang=lang, engine=engine,
                                              source_lang="en", text=translate(field.source_text)))
        publish_engines(session, {("en", lang): engine})
        bump_stories_with_texts(session, [f.source_hash for f in fields])
