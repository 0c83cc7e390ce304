"""End to end: the real server process (gunicorn, as ``make serve`` runs it) over real HTTP."""
import json
import urllib.error
import urllib.request

import pytest

from support.app import DEMO_ID, TOKEN


def fetch(url, method="GET", body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_pages_and_api_over_http(live_server):
    base = live_server.url
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(urllib.request.Request(f"{base}/", headers={"Accept-Language": "ja"}))
    assert redirect.value.code == 302 and redirect.value.headers["Location"] == "/ja/"
    for lang, marker in (("en", "Key points"), ("ko", "핵심 요약"), ("ja", "要点")):
        status, _, page = fetch(f"{base}/{lang}/stories/{DEMO_ID}")
        assert status == 200 and marker in page and f'<html lang="{lang}">' in page
    status, headers, body = fetch(f"{base}/api/v1/stories/{DEMO_ID}?lang=ko")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body)["lang"] == "ko"
    status, _, body = fetch(f"{base}/healthz")
    assert status == 200 and json.loads(body)["store"]["initialized"] is True


def test_posted_story_is_served_over_http(live_server):
    base = live_server.url
    story = {"id": "e2e-story", "published": "2025-10-01", "snippets": [
        {"lang": "en", "kind": "headline", "text": "A story posted over HTTP", "attribution": "E2E Wire"},
        {"lang": "en", "kind": "paragraph", "attribution": "E2E Wire",
         "text": "The first sentence is here. The second sentence follows it. A third one ends the paragraph."}]}
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    assert fetch(f"{base}/api/v1/stories", "POST", story, {"Content-Type": "application/json"})[0] == 401
    status, _, body = fetch(f"{base}/api/v1/stories", "POST", story, headers)
    assert status == 201, body
    for _ in range(6):  # the store is shared, so whichever worker answers has the new story
        for lang in ("en", "ko", "ja"):
            status, _, page = fetch(f"{base}/{lang}/stories/e2e-story")
            assert status == 200 and "A story posted over HTTP" in page
    status, _, body = fetch(f"{base}/api/v1/stories", "POST", {"id": "x"}, headers)
    assert status == 422 and json.loads(body)["error"]["code"] == "invalid_story"
