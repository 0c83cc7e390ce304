"""Pages that fit, in headless Chromium (Debian's): at 390 and 1280 px, in en, ko and ja, the index, a
story, the status page, a 404 and a story with a 300-character URL never scroll sideways, Korean
keeps words whole, Japanese breaks lines strictly, and axe-core finds no WCAG 2 A/AA violation."""
import json
import urllib.request

import pytest
from playwright.sync_api import sync_playwright

from support.app import DEMO_ID, TOKEN, store_machine_texts
from support.browser import CHROMIUM, FLAGS, WIDTHS, axe_violations, sideways_overflow

LONG_URL = "https://example.org/" + "a1b2c3d4e5" * 28       # 300 characters, no break opportunity
LONG_STORY = {"id": "long-url", "published": "2025-09-03", "snippets": [
    {"lang": "en", "kind": "headline", "text": "A story whose source has a very long address", "attribution": "Test Wire"},
    {"lang": "en", "kind": "post", "attribution": "Test Wire", "url": LONG_URL,
     "text": f"The full report is at {LONG_URL} and more follows. Another sentence here."},
    {"lang": "ja", "kind": "post", "attribution": "テスト通信", "text": f"詳しくは{LONG_URL}をご覧ください。"}]}


def post_story(url: str, story: dict) -> None:
    request = urllib.request.Request(f"{url}/api/v1/stories", data=json.dumps(story).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_reader_pages_fit_and_pass_axe(live_server, lang):
    post_story(live_server.url, LONG_STORY)
    paths = [f"/{lang}/", f"/{lang}/stories/{DEMO_ID}", f"/{lang}/translate", f"/{lang}/nope",
             f"/{lang}/stories/long-url"]
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        for width in WIDTHS:
            page = browser.new_page(viewport={"width": width, "height": 900})
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                assert page.locator("html").get_attribute("lang") == lang, path
                if (over := sideways_overflow(page)) > 0:
                    problems.append(f"{width}px {path}: {over}px too wide")
                if lang == "ko":
                    rule = page.evaluate("() => getComputedStyle(document.querySelector('h1')).wordBreak")
                    if rule != "keep-all":
                        problems.append(f"{width}px {path}: Korean h1 word-break is {rule}")
                if lang == "ja":
                    rule = page.evaluate("() => getComputedStyle(document.querySelector('h1')).lineBreak")
                    if rule != "strict":
                        problems.append(f"{width}px {path}: Japanese h1 line-break is {rule}")
                problems += [f"{width}px {path}: {v}" for v in axe_violations(page)]
            page.close()
        browser.close()
    assert problems == []


def test_the_original_opens_with_a_tap(app, live_server):
    """A <details> disclosure: a tap shows the original, no hover involved; axe checks it too."""
    store_machine_texts(app, "ko", "argos:en-ko:1.1", lambda text: f"[ko] {text}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 390, "height": 900}, has_touch=True)
        page.goto(f"{live_server.url}/ko/stories/{DEMO_ID}")
        original = page.locator("details.original").first
        assert not original.locator("div").is_visible()
        original.locator("summary").tap()
        assert original.locator("div").is_visible() and original.locator("div").inner_text().startswith("South Korea")
        assert sideways_overflow(page) <= 0 and axe_violations(page) == []
        browser.close()


def test_axe_reports_what_it_finds(live_server):
    """The vendored axe-core really runs: a page with an unlabeled image is reported."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        page.goto(f"{live_server.url}/en/")
        page.evaluate("() => document.body.appendChild(document.createElement('img'))")
        assert any('"image-alt"' in v for v in axe_violations(page))
        browser.close()
