"""Helpers of the search tests: ask the API, and store translations the way their writers do."""
from __future__ import annotations

from service.api.search import SearchOut
from service.core.domain import field_context, source_hash
from service.store.catalogs import upsert_humans
from service.store.changes import bump_stories, publish_engines
from service.store.machine import insert_machine_translations

UNLIMITED = "100000 per minute"


def found(client, lang: str, q: str, **params) -> list[dict]:
    """The cards of every page of a search (following ``next``), each checked against the schema."""
    response = client.get("/api/v1/search", query_string={"lang": lang, "q": q, **params})
    assert response.status_code == 200, (q, response.get_json())
    cards = []
    while True:
        body = response.get_json()
        SearchOut.model_validate(body)
        cards += body["stories"]
        if not body["next"]:
            return cards
        response = client.get(body["next"])
        assert response.status_code == 200


def ids(client, lang: str, q: str, **params) -> list[str]:
    return [card["id"] for card in found(client, lang, q, **params)]


def store_human(store, lang: str, story_id: str, role: str, source_lang: str, source_text: str, text: str) -> None:
    """A translator's text, as a catalog import stores it: the row and the story's bump, one transaction."""
    with store.transaction() as session:
        upsert_humans(session, [{"lang": lang, "context": field_context(story_id, role),
                                 "source_hash": source_hash(source_lang, source_text), "source_text": source_text,
                                 "text": text}])
        bump_stories(session, [story_id])


def store_machine(store, lang: str, engine: str, texts: dict[tuple[str, str], str]) -> None:
    """Machine texts ((source lang, source text) -> text) stored as a worker stores them, its engine published."""
    with store.transaction() as session:
        publish_engines(session, {(source_lang, lang): engine for source_lang, _ in texts})
    insert_machine_translations(store, [
        {"source_hash": source_hash(source_lang, text), "target_lang": lang, "engine": engine,
         "source_lang": source_lang, "text": translation} for (source_lang, text), translation in texts.items()])


def publish(store, engines: dict[tuple[str, str], str]) -> None:
    with store.transaction() as session:
        publish_engines(session, engines)
