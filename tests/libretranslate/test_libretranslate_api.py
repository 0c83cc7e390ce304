"""The LibreTranslate-compatible face through the Flask test client.

Behind it: the memory-first backend over the app's store, with an in-process engine call over
tiny real Argos packages (tests only: a web process gets a call that waits on the worker tier).
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from service.http.wiring import memory_first_backend
from service.libretranslate import use_backend
from service.libretranslate.detect import detect
from service.libretranslate.markup import parse
from service.translate.memory import translators_call
from service.translate.protect import missing
from service.usecases.translating import BackendFailed, TranslationResult
from support.app import TOKEN, make_app
from support.server import server_env

KEY = "mt-key-0123456789"


@pytest.fixture
def lt_settings(settings):
    return settings.with_overrides(mt_api_keys=(KEY,), mt_char_limit=200, mt_batch_limit=4,
                                   mt_alternatives_limit=2, mt_rate_limit="1000 per minute")


class CountingCall:
    """The in-process engine call, counting the sentences it is sent."""

    def __init__(self, translators):
        self.inner = translators_call(translators)
        self.sentences: list[str] = []

    def __call__(self, source, target, sentences, count):
        self.sentences += sentences
        return self.inner(source, target, sentences, count)


def _app(settings, install_models, models=("en_ko", "en_ja", "ja_en")):
    app = make_app(settings, demo=False)
    install_models(app, *models)
    services = app.extensions["kakehashi"]
    call = CountingCall(services.translators)
    use_backend(app, memory_first_backend(services, call))
    return app, call


@pytest.fixture
def lt(lt_settings, install_models):
    app, call = _app(lt_settings, install_models)
    yield app.test_client(), call
    app.extensions["kakehashi"].store.dispose()


def test_languages_lists_installed_pairs_and_pivots(lt):
    client, _call = lt
    response = client.get("/languages")
    assert response.status_code == 200
    assert response.get_json() == [
        {"code": "en", "name": "English", "targets": ["ja", "ko"]},
        {"code": "ja", "name": "Japanese", "targets": ["en", "ko"]},     # ja-ko through English
        {"code": "ko", "name": "Korean", "targets": []},
    ]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_translate_a_string_from_json_and_form(lt):
    client, _call = lt
    json_answer = client.post("/translate", json={"q": "They met in Tokyo.", "source": "en", "target": "ko",
                                                  "api_key": KEY})
    assert json_answer.status_code == 200
    body = json_answer.get_json()
    assert set(body) == {"translatedText", "provenance"} and body["provenance"] == "machine"
    assert isinstance(body["translatedText"], str) and body["translatedText"]
    form_answer = client.post("/translate", data={"q": "They met in Tokyo.", "source": "en", "target": "ko",
                                                  "api_key": KEY})
    assert form_answer.get_json() == body


def test_a_list_gives_a_list_in_order_and_repeated_form_q_is_a_list(lt):
    client, _call = lt
    texts = ["They met in Tokyo.", "Call 110 or see https://police.example/ now.", "🙂"]
    body = client.post("/translate", json={"q": texts, "source": "en", "target": "ja", "api_key": KEY}).get_json()
    assert len(body["translatedText"]) == 3 and body["translatedText"][2] == "🙂"
    assert missing(body["translatedText"][1], texts[1]) == []
    form = client.post("/translate", data={"q": texts[:2], "source": "en", "target": "ja", "api_key": KEY})
    assert form.get_json()["translatedText"] == body["translatedText"][:2]


def test_auto_detects_by_script_and_says_so(lt):
    client, _call = lt
    one = client.post("/translate", json={"q": "両首脳は東京で会談した。", "source": "auto", "target": "en",
                                          "api_key": KEY}).get_json()
    assert one["detectedLanguage"] == {"confidence": 100.0, "language": "ja"}
    many = client.post("/translate", json={"q": ["両首脳は東京で会談した。", "They met."], "source": "auto",
                                           "target": "ko", "api_key": KEY}).get_json()
    assert [d["language"] for d in many["detectedLanguage"]] == ["ja", "en"]
    assert all(many["translatedText"])
    same = client.post("/translate", json={"q": "They met.", "source": "auto", "target": "en",
                                           "api_key": KEY}).get_json()
    assert same == {"translatedText": "They met.", "detectedLanguage": {"confidence": 100.0, "language": "en"},
                    "provenance": "source"}


def test_html_keeps_tags_and_translates_text_nodes(lt):
    client, call = lt
    markup = '<p class="lead">They met in <a href="https://x.example/tokyo">Tokyo</a>.<br><code>keep me</code></p>'
    body = client.post("/translate", json={"q": markup, "source": "en", "target": "ko", "format": "html",
                                           "api_key": KEY}).get_json()
    out = body["translatedText"]
    assert out.startswith('<p class="lead">') and '<a href="https://x.example/tokyo">' in out
    assert out.endswith("<br><code>keep me</code></p>")
    assert sorted(call.sentences) == ["They met in", "Tokyo"]


def test_html_structure_with_a_fake_backend():
    document = parse('<div title="a&amp;b">Hello <b>world</b> &amp; more &amp; <i translate="no">Kakehashi</i>'
                     '<!-- c --><script>a<b</script> &rarr; </div>')
    assert document.texts() == ["Hello", "world", "& more &"]
    assert document.render(["안녕", "세계", "<&>"]) == (
        '<div title="a&amp;b">안녕 <b>세계</b> &lt;&amp;&gt; <i translate="no">Kakehashi</i><!-- c -->'
        '<script>a<b</script> \u2192 </div>')


def test_alternatives_are_the_n_best(lt):
    client, _call = lt
    body = client.post("/translate", json={"q": "They met in Tokyo.", "source": "en", "target": "ko",
                                           "alternatives": 2, "api_key": KEY}).get_json()
    assert isinstance(body["alternatives"], list) and len(body["alternatives"]) <= 2
    assert body["translatedText"] not in body["alternatives"]
    listed = client.post("/translate", json={"q": ["They met.", "They left."], "source": "en", "target": "ko",
                                             "alternatives": 1, "api_key": KEY}).get_json()
    assert len(listed["alternatives"]) == 2 and all(isinstance(a, list) for a in listed["alternatives"])


def test_a_repeated_text_is_served_from_memory(lt):
    client, call = lt
    request = {"q": "They met in Tokyo. They talked about trade.", "source": "en", "target": "ja", "api_key": KEY}
    first = client.post("/translate", json=request).get_json()
    assert call.sentences == ["They met in Tokyo.", "They talked about trade."]
    again = client.post("/translate", json={**request, "q": ["They talked about trade.", request["q"]]}).get_json()
    assert call.sentences == ["They met in Tokyo.", "They talked about trade."]     # nothing new sent
    assert again["translatedText"][1] == first["translatedText"]


def test_a_translators_text_for_exactly_that_source_is_served_as_human(lt):
    from service.core.domain import source_hash
    from service.store import HumanTranslationRow

    client, call = lt
    store = client.application.extensions["kakehashi"].store
    text = "Lee visits Japan."
    with store.transaction() as session:
        session.add(HumanTranslationRow(lang="ko", context="demo/title", source_hash=source_hash("en", text),
                                        source_text=text, text="이재명, 일본 방문"))
    body = client.post("/translate", json={"q": [text, "They met."], "source": "en", "target": "ko",
                                           "api_key": KEY}).get_json()
    assert body["translatedText"][0] == "이재명, 일본 방문"
    assert body["provenance"] == ["human", "machine"]
    assert call.sentences == ["They met."]


@pytest.mark.parametrize("request_body, message", [
    ({"source": "en", "target": "ko"}, "Invalid request: missing q parameter"),
    ({"q": "", "source": "en", "target": "ko"}, "Invalid request: missing q parameter"),
    ({"q": "Hi.", "target": "ko"}, "Invalid request: missing source parameter"),
    ({"q": "Hi.", "source": "en"}, "Invalid request: missing target parameter"),
    ({"q": 42, "source": "en", "target": "ko"}, "Invalid request: q must be a string or a list of strings"),
    ({"q": "Hi.", "source": "xx", "target": "ko"}, "xx is not supported"),
    ({"q": "Hi.", "source": "en", "target": "fr"}, "fr is not supported"),
    ({"q": "Hi.", "source": "en", "target": "ko", "format": "pdf"}, "pdf format is not supported"),
    ({"q": "Hi.", "source": "en", "target": "ko", "alternatives": "abc"},
     "Invalid request: alternatives parameter is not a number"),
    ({"q": "Hi.", "source": "en", "target": "ko", "alternatives": 3},
     "Invalid request: alternatives parameter must be <= 2"),
    ({"q": "x" * 201, "source": "en", "target": "ko"}, "Invalid request: request (201) exceeds text limit (200)"),
    ({"q": ["a"] * 5, "source": "en", "target": "ko"}, "Invalid request: request (5) exceeds text limit (4)"),
    ({"q": "안녕하세요.", "source": "ko", "target": "en"},
     "English (en) is not available as a target language from Korean (ko)"),
    ({"q": "안녕하세요.", "source": "auto", "target": "en"},
     "English (en) is not available as a target language from Korean (ko)"),
])
def test_bad_requests_are_400_with_an_error(lt, request_body, message):
    client, call = lt
    response = client.post("/translate", json={**request_body, "api_key": KEY})
    assert response.status_code == 400
    assert response.get_json() == {"error": message}
    assert call.sentences == []


def test_malformed_bodies(lt):
    client, _call = lt
    for data in ("{not json", "[1, 2]"):
        response = client.post("/translate", data=data, headers={"Content-Type": "application/json"})
        assert response.status_code == 400 and response.get_json() == {"error": "Invalid JSON format"}


def test_the_body_limit_fits_a_full_batch_and_over_it_is_413(lt_settings, install_models):
    """The face's body limit follows its batch and character limits, not the story API's."""
    settings = lt_settings.with_overrides(max_body_bytes=1024)
    app, _call = _app(settings, install_models, ("en_ko",))
    client = app.test_client()
    full = ["東" * settings.mt_char_limit] * settings.mt_batch_limit       # the largest valid request
    form = client.post("/translate", data={"q": full, "source": "en", "target": "ko", "api_key": KEY})
    assert form.status_code == 200, form.get_json()
    response = client.post("/translate", json={"q": "x" * settings.mt_body_bytes, "source": "en", "target": "ko",
                                                "api_key": KEY})
    assert response.status_code == 413 and isinstance(response.get_json()["error"], str)


def test_keys_required_by_default(lt):
    client, _call = lt
    request = {"q": "Hi.", "source": "en", "target": "ko"}
    missing_key = client.post("/translate", json=request)
    assert missing_key.status_code == 400
    assert missing_key.get_json() == {"error": "Please contact the server operator to get an API key"}
    wrong = client.post("/translate", json={**request, "api_key": "nope"})
    assert wrong.status_code == 403 and wrong.get_json() == {"error": "Invalid API key"}
    assert client.post("/detect", data={"q": "Hi."}).status_code == 400
    # the write tokens work too, as api_key or as a Bearer header
    assert client.post("/translate", json={**request, "api_key": TOKEN}).status_code == 200
    assert client.post("/translate", json=request, headers={"Authorization": f"Bearer {KEY}"}).status_code == 200
    # /languages and /frontend/settings need no key
    assert client.get("/languages").status_code == 200
    settings = client.get("/frontend/settings").get_json()
    assert settings["keyRequired"] is True and settings["charLimit"] == 200
    assert settings["language"]["source"] == {"code": "auto", "name": "Auto Detect"}


def test_anonymous_use_when_enabled(lt_settings, install_models):
    app, _call = _app(lt_settings.with_overrides(mt_anonymous=True), install_models, ("en_ko",))
    client = app.test_client()
    assert client.post("/translate", data={"q": "Hi.", "source": "en", "target": "ko"}).status_code == 200
    assert client.get("/frontend/settings").get_json()["keyRequired"] is False
    assert client.post("/translate", data={"q": "Hi.", "source": "en", "target": "ko",
                                           "api_key": "wrong"}).status_code == 403


def test_rate_limit_per_key_counts_texts(lt_settings, install_models):
    app, _call = _app(lt_settings.with_overrides(mt_rate_limit="3 per minute", mt_anonymous=True), install_models,
                      ("en_ko",))
    client = app.test_client()
    request = {"q": ["One.", "Two."], "source": "en", "target": "ko", "api_key": KEY}
    assert client.post("/translate", json=request).status_code == 200          # costs 2 of 3
    limited = client.post("/translate", json=request)                          # would be 4
    assert limited.status_code == 429 and limited.get_json()["error"].startswith("Slowdown: ")
    assert int(limited.headers["Retry-After"]) >= 1
    # another key (here: anonymous, by address) has its own budget; /languages is never limited
    assert client.post("/translate", json={**request, "api_key": None}).status_code == 200
    assert all(client.get("/languages").status_code == 200 for _ in range(5))


def test_detect(lt):
    client, _call = lt
    response = client.post("/detect", data={"q": "이재명 대통령이 일본을 방문했습니다.", "api_key": KEY})
    assert response.status_code == 200
    assert response.get_json() == [{"confidence": 100.0, "language": "ko"}]
    assert client.post("/detect", json={"api_key": KEY}).get_json() == {"error": "Invalid request: missing q parameter"}
    assert detect("東京 Tokyo")[0]["language"] == "en" and detect("東京で")[0]["language"] == "ja"
    assert detect("!!!") == [{"confidence": 0.0, "language": "en"}]


def test_a_failing_backend_is_500_and_the_web_process_loads_no_model(lt_settings):
    class Failing:
        def pairs(self):
            return {("en", "ko")}

        def translate(self, texts, source, target, alternatives):
            raise BackendFailed("worker timed out after 30 s")

    app = make_app(lt_settings, demo=False)
    use_backend(app, Failing())
    response = app.test_client().post("/translate", json={"q": "Hi.", "source": "en", "target": "ko",
                                                          "api_key": KEY})
    assert response.status_code == 500
    assert response.get_json() == {"error": "Cannot translate text: worker timed out after 30 s"}
    assert TranslationResult("a").alternatives == ()
    translators = app.extensions["kakehashi"].translators
    assert not any(engine.loaded for route in translators.routes().values() for engine in route)


def test_a_memory_hit_is_served_by_a_process_that_never_imports_ctranslate2(lt_settings, install_models):
    """A web process answers remembered sentences without importing ctranslate2 or sentencepiece."""
    app, _call = _app(lt_settings, install_models, ("en_ko",))
    client = app.test_client()
    request = {"q": "They met in Tokyo.", "source": "en", "target": "ko", "api_key": KEY}
    expected = client.post("/translate", json=request).get_json()
    script = textwrap.dedent(f"""
        import json, sys
        from service import create_app
        from service.http.wiring import memory_first_backend
        from service.libretranslate import use_backend

        def engine_call(*args):
            raise AssertionError("a remembered sentence must not reach the engine")

        app = create_app()
        use_backend(app, memory_first_backend(app.extensions["kakehashi"], engine_call))
        print(json.dumps(app.test_client().post("/translate", json={request!r}).get_json()))
        print(sorted(m for m in ("ctranslate2", "sentencepiece", "torch") if m in sys.modules))
    """)
    env = {**server_env(lt_settings, 8000), "KAKEHASHI_MT_API_KEYS": KEY}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    answer, modules = result.stdout.splitlines()
    assert json.loads(answer) == expected and modules == "[]"


def test_health_and_the_switched_off_features_answer_like_libretranslate(lt):
    client, _call = lt
    assert (client.get("/health").status_code, client.get("/health").get_json()) == (200, {"status": "ok"})
    suggest = client.post("/suggest", data={"q": "Hi.", "s": "안녕.", "source": "en", "target": "ko", "api_key": KEY})
    assert (suggest.status_code, suggest.get_json()) == (403, {"error": "Suggestions are disabled on this server."})
    files = client.post("/translate_file", data={"source": "en", "target": "ko", "api_key": KEY})
    assert (files.status_code, files.get_json()) == (403, {"error": "Files translation are disabled on this server."})


def test_every_error_of_the_face_has_its_shape(lt):
    client, _call = lt
    settings = client.application.config["KAKEHASHI"]
    wrong_method = client.get("/translate")
    assert wrong_method.status_code == 405 and isinstance(wrong_method.get_json()["error"], str)
    assert "POST" in wrong_method.headers["Allow"]
    api_method = client.post("/api/v1/languages")
    assert api_method.status_code == 405 and api_method.get_json()["error"]["code"] == "method_not_allowed"
    # a text at the character limit fits in the query string; a longer request line is a 414 in this shape
    at_limit = client.post("/translate", query_string={"q": "東" * settings.mt_char_limit, "source": "ja",
                                                       "target": "en", "api_key": KEY})
    assert at_limit.status_code == 200
    too_long = client.post("/translate", query_string={"q": "東" * (settings.mt_request_line_bytes // 9 + 10),
                                                       "source": "ja", "target": "en", "api_key": KEY})
    assert too_long.status_code == 414 and isinstance(too_long.get_json()["error"], str)
    api_long = client.get("/api/v1/stories", query_string={"lang": "x" * 5000})
    assert api_long.status_code == 414 and api_long.get_json()["error"]["code"] == "uri_too_long"


def test_placeholders_and_urls_survive_translate(lt):
    client, _call = lt
    texts = ["You have [X9X] new messages from %(name)s and %s.", "Hello {name}, {{ user.name }} has <b>news</b>.",
             "See pic.twitter.com/DVFAgKVJgA for the photo.", "Read example.org/a/b today."]
    body = client.post("/translate", json={"q": texts, "source": "en", "target": "ja", "api_key": KEY}).get_json()
    out = body["translatedText"]
    for token in ("[X9X]", "%(name)s", "%s"):
        assert token in out[0], out[0]
    for token in ("{name}", "{{ user.name }}", "<b>", "</b>"):
        assert token in out[1], out[1]
    assert "pic.twitter.com/DVFAgKVJgA" in out[2] and "example.org/a/b" in out[3]


def test_rate_limit_is_counted_in_the_store_for_every_process_and_keys_have_their_own(lt_settings, install_models):
    """Two apps on one store stand for two web processes: the hits of both count together."""
    settings = lt_settings.with_overrides(mt_rate_limit="3 per minute", mt_key_rate_limits=(("big-key-123", "6 per minute"),))
    one, _call = _app(settings, install_models, ("en_ko",))
    two = make_app(settings, demo=False)                                 # the same store and models
    use_backend(two, memory_first_backend(two.extensions["kakehashi"], translators_call(two.extensions["kakehashi"].translators)))
    request = {"q": ["One.", "Two."], "source": "en", "target": "ko", "api_key": KEY}
    assert one.test_client().post("/translate", json=request).status_code == 200        # 2 of 3
    assert two.test_client().post("/translate", json=request).status_code == 429        # 4 of 3, in the other process
    own = {**request, "api_key": "big-key-123"}                                         # a key with its own limit
    assert [one.test_client().post("/translate", json=own).status_code,
            two.test_client().post("/translate", json=own).status_code,
            one.test_client().post("/translate", json=own).status_code,
            two.test_client().post("/translate", json=own).status_code] == [200, 200, 200, 429]
