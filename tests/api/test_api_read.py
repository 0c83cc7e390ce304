"""Reading through the JSON API: list, detail, languages, health and the OpenAPI description."""
import pytest

from support.app import DEMO_ID


def test_list_is_newest_first_with_localized_titles(client, auth):
    older = {"id": "older-story", "published": "2020-01-01",
             "snippets": [{"lang": "en", "kind": "paragraph", "text": "An old story. It has two sentences.",
                           "attribution": "Test Wire"}]}
    assert client.post("/api/v1/stories", json=older, headers=auth).status_code == 201
    body = client.get("/api/v1/stories?lang=ko").get_json()
    assert [s["id"] for s in body["stories"]] == [DEMO_ID, "older-story"]
    title = body["stories"][0]["title"]
    assert title["provenance"] == "source" and title["lang"] == "en" and title["source_lang"] == "en"
    assert body["stories"][0]["published"] == "2025-08-23"


def test_detail_has_the_contract_shape(client):
    body = client.get(f"/api/v1/stories/{DEMO_ID}?lang=ja").get_json()
    assert body["id"] == DEMO_ID and body["lang"] == "ja" and body["published"] == "2025-08-23"
    assert 2 <= len(body["points"]) <= 5
    sources = body["sources"]
    for point in body["points"]:
        assert set(point) >= {"text", "lang", "provenance", "source_lang", "source_text", "engine", "from"}
        assert point["source_text"] in sources[point["from"]]["text"]
    assert [p["from"] for p in body["points"]] == sorted(p["from"] for p in body["points"])
    kinds = [sources[q["from"]]["kind"] for q in body["quotes"]]
    assert set(kinds) <= {"quote", "post"} and "post" in kinds
    post = next(q for q in body["quotes"] if sources[q["from"]]["kind"] == "post")
    assert post["attribution"] == "石破茂 (@shigeruishiba)"
    # The Japanese post read in Japanese is the source itself; everything else falls back to English.
    assert (post["provenance"], post["lang"]) == ("source", "ja")
    assert body["coverage"] == {"human": 0, "machine": 0,
                                "source": 1 + len(body["points"]) + len(body["quotes"]) + len(body["headings"])}
    assert body["title"]["from"] is None  # the editors' title, not a source snippet
    assert all(s["kind"] != "headline" for s in sources)
    assert sources[2] == {"lang": "ja", "kind": "post", "text": sources[2]["text"], "attribution": "石破茂 (@shigeruishiba)",
                          "url": "https://x.com/shigeruishiba", "date": "2025-08-23"}


def test_default_language_is_english(client):
    assert client.get(f"/api/v1/stories/{DEMO_ID}").get_json()["lang"] == "en"


@pytest.mark.parametrize("path", ["/api/v1/stories?lang=fr", f"/api/v1/stories/{DEMO_ID}?lang=zz",
                                  f"/api/v1/stories/{DEMO_ID}?lang="])
def test_unsupported_language_is_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "unsupported_language"


def test_unknown_story_and_endpoint_are_json_404(client):
    for path in ("/api/v1/stories/no-such-story", "/api/v1/no-such-endpoint"):
        response = client.get(path)
        assert response.status_code == 404
        assert set(response.get_json()["error"]) == {"code", "message"}


def test_languages_lists_reading_languages_and_pairs(client):
    body = client.get("/api/v1/languages").get_json()
    assert body["reading"] == ["en", "ko", "ja"] and body["sources"] == ["en", "ja"]
    assert body["machine_translation"] == []


def test_healthz_reports_store_and_models(client):
    for path in ("/healthz", "/api/v1/healthz"):
        body = client.get(path).get_json()
        assert body["status"] == "ok"
        assert body["store"] == {"reachable": True, "initialized": True, "backend": "sqlite"}
        assert "models" in body


def test_healthz_is_503_before_init(settings):
    from service import create_app

    client = create_app(settings).test_client()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["store"]["initialized"] is False


def test_openapi_describes_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, item in doc["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") or rule.rule == "/healthz":
            path = rule.rule.replace("<story_id>", "{story_id}").replace("<name>", "{name}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented, f"{method} {path} missing from OpenAPI"
    schemas = doc["components"]["schemas"]
    assert schemas["StoryIn"]["properties"]["id"]["pattern"] == "^[a-z0-9-]{1,80}$"
    assert set(schemas["SnippetIn"]["properties"]["kind"]["enum"]) == {"headline", "paragraph", "quote", "post", "heading"}

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(doc):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_responses_match_their_documented_schemas(client, lang):
    """The OpenAPI document is generated from these models, so real answers must fit them."""
    from service.api.schemas import LanguagesOut, StoryListOut, StoryOut

    detail = client.get(f"/api/v1/stories/{DEMO_ID}?lang={lang}").get_json()
    StoryOut.model_validate(detail)
    assert set(detail) == set(StoryOut.model_fields)
    StoryListOut.model_validate(client.get(f"/api/v1/stories?lang={lang}").get_json())
    LanguagesOut.model_validate(client.get("/api/v1/languages").get_json())
