"""Reader pages: language choice, alternates, localized UI and dates, provenance markers."""
import re

import pytest

from service.web.locale import COOKIE
from support.app import DEMO_ID, store_machine_texts


@pytest.mark.parametrize("headers,cookie,expected", [
    ({}, None, "/en/"),
    ({"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.5"}, None, "/ko/"),
    ({"Accept-Language": "ja,en;q=0.1"}, None, "/ja/"),
    ({"Accept-Language": "fr-FR,de"}, None, "/en/"),
    ({"Accept-Language": "ko"}, "ja", "/ja/"),
    ({"Accept-Language": "ko"}, "xx", "/ko/"),
])
def test_root_redirects_by_cookie_then_accept_language_then_english(client, headers, cookie, expected):
    if cookie:
        client.set_cookie(COOKIE, cookie)
    response = client.get("/", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == expected
    assert "Accept-Language" in response.headers["Vary"]


def test_switcher_remembers_the_choice(client):
    page = client.get(f"/ko/stories/{DEMO_ID}").get_data(as_text=True)
    switch = re.search(r'href="(/language/ja\?next=[^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.get(switch)
    assert response.status_code == 302 and response.headers["Location"] == f"/ja/stories/{DEMO_ID}"
    assert client.get("/").headers["Location"] == "/ja/"


@pytest.mark.parametrize("target", [
    "//evil.example/", "/%09/evil.example/", "/%0a/evil.example/", "/\\evil.example/", "https://evil.example/",
    "%2F%2Fevil.example", "/ko/../%2F%2Fevil.example", "/no-such-page", "javascript:alert(1)", "/%00",
])
def test_switcher_refuses_to_redirect_off_site(client, target):
    response = client.get(f"/language/ko?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/ko/"


@pytest.mark.parametrize("path", ["/fr/", f"/de/stories/{DEMO_ID}", "/ko/stories/no-such-story", "/language/fr"])
def test_unknown_language_or_story_is_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("lang,ui,date", [
    ("en", "Key points", "August 23, 2025"),
    ("ko", "핵심 요약", "2025년 8월 23일"),
    ("ja", "要点", "2025年8月23日"),
])
def test_story_page_is_localized(client, lang, ui, date):
    page = client.get(f"/{lang}/stories/{DEMO_ID}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert ui in page and date in page
    for code in ("en", "ko", "ja"):
        assert f'hreflang="{code}" href="http://localhost/{code}/stories/{DEMO_ID}"' in page
    assert f'hreflang="x-default" href="http://localhost/en/stories/{DEMO_ID}"' in page
    assert "石破茂 (@shigeruishiba)" in page and 'href="https://x.com/shigeruishiba"' in page


def test_index_lists_title_date_and_first_point(client):
    page = client.get("/ja/").get_data(as_text=True)
    assert "記事" in page and "2025年8月23日" in page
    assert "South Korea’s President Lee Jae-myung makes his first full visit" in page
    assert "embarked on his first full visit to Japan" in page


def test_source_fallback_is_tagged_with_its_language(client):
    ko = client.get(f"/ko/stories/{DEMO_ID}").get_data(as_text=True)
    assert '<span lang="en">South Korea’s President' in ko and "원문, English" in ko
    assert '<span lang="ja">大韓民国 李在明大統領をお迎えしました。' in ko and "원문, 日本語" in ko
    ja = client.get(f"/ja/stories/{DEMO_ID}").get_data(as_text=True)
    post_html = ja[ja.index("大韓民国 李在明大統領をお迎えしました。") - 200:ja.index("大韓民国 李在明大統領をお迎えしました。")]
    assert "原文・日本語" not in post_html  # the Japanese post is not a fallback on the Japanese page


def test_machine_text_carries_a_visible_marker_and_engine(app, client):
    store_machine_texts(app, "ko", "argos:en-ko:1.1", lambda text: f"[ko] {text}")
    page = client.get(f"/ko/stories/{DEMO_ID}").get_data(as_text=True)
    assert '<span class="marker machine" data-engine="argos:en-ko:1.1">기계 번역</span>' in page
    assert 'title="argos:en-ko:1.1 기계 번역. 원문: South Korea’s President' in page
    assert "[ko] South Korea’s President" in page
    assert "이 페이지의 기계 번역은 다음 모델이 오프라인으로 만들었습니다: argos:en-ko:1.1." in page


def test_page_language_controls_the_ui_not_the_cookie(client):
    client.set_cookie(COOKIE, "ja")
    assert "핵심 요약" in client.get(f"/ko/stories/{DEMO_ID}").get_data(as_text=True)


def test_alternate_links_use_the_public_url_not_the_host_header(settings):
    from support.app import make_app

    client = make_app(settings.with_overrides(public_url="https://news.example.org")).test_client()
    page = client.get(f"/ko/stories/{DEMO_ID}", headers={"Host": "evil.example"}).get_data(as_text=True)
    assert f'hreflang="ja" href="https://news.example.org/ja/stories/{DEMO_ID}"' in page
    assert "evil.example" not in page


@pytest.mark.parametrize("lang,title", [("en", "Page not found"), ("ko", "페이지를 찾을 수 없습니다"),
                                        ("ja", "ページが見つかりません")])
@pytest.mark.parametrize("path", ["nope", "feed/nope", "stories/no-such-story"])
def test_every_404_under_a_language_is_in_that_language(client, lang, title, path):
    response = client.get(f"/{lang}/{path}")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and f'<html lang="{lang}">' in page and title in page


def test_urls_in_posts_are_safe_links_and_labels_are_localized(client):
    page = client.get(f"/ko/stories/{DEMO_ID}").get_data(as_text=True)
    assert '<a href="https://pic.twitter.com/DVFAgKVJgA" rel="nofollow noopener">pic.twitter.com/DVFAgKVJgA</a>' in page
    assert "원문 기사 (통신사 미표기)" in page and "Source article (no agency named)" not in page


def test_a_link_in_a_post_cannot_break_out_of_its_attribute(client, auth):
    story = {"id": "quoted", "published": "2025-09-02", "snippets": [
        {"lang": "en", "kind": "post", "attribution": "x", "text": 'See https://e.example/a"onmouseover="x<b> now.'}]}
    assert client.post("/api/v1/stories", json=story, headers=auth).status_code == 201
    page = client.get("/en/stories/quoted").get_data(as_text=True)
    assert 'href="https://e.example/a"' in page and "onmouseover=" not in page.replace("&#34;onmouseover=", "")


def test_the_original_of_machine_text_is_one_tap_away(app, client):
    store_machine_texts(app, "ko", "argos:en-ko:1.1", lambda text: f"[ko] {text}")
    page = client.get(f"/ko/stories/{DEMO_ID}").get_data(as_text=True)
    assert '<details class="original"><summary>원문 보기 (English)</summary><div lang="en"><bdi>Stable relations' in page
