"""A reader in headless Chromium (Debian's, no browser download): redirect, switcher, Japanese UI."""
import shutil

import pytest
from playwright.sync_api import sync_playwright

from support.app import DEMO_ID

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


def test_korean_reader_switches_to_japanese(live_server, browser):
    context = browser.new_context(locale="ko-KR", extra_http_headers={"Accept-Language": "ko-KR,ko;q=0.9"})
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/ko/"
    assert page.locator("html").get_attribute("lang") == "ko"
    assert page.locator("h1").inner_text() == "기사"
    page.locator("article.story-summary h2 a").first.click()
    assert page.url == f"{live_server.url}/ko/stories/{DEMO_ID}"
    assert page.locator("#points").inner_text() == "핵심 요약"

    page.locator('nav.languages a[hreflang="ja"]').click()
    assert page.url == f"{live_server.url}/ja/stories/{DEMO_ID}"
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("#points").inner_text() == "要点"
    assert page.locator("#sources").inner_text() == "出典"
    assert "2025年8月23日" in page.locator("p.meta").first.inner_text()

    page.goto(f"{live_server.url}/")  # the choice is remembered over the browser's Accept-Language
    assert page.url == f"{live_server.url}/ja/"
    context.close()
