"""What a web worker keeps in memory (issue 8: at most 120 MB per worker): modules it never needs
stay unimported. Checked in a fresh process, since the test process imports everything."""
import subprocess
import sys
import textwrap

from support.app import DEMO_ID, TOKEN
from support.server import server_env

PROBE = textwrap.dedent(f"""
    import sys
    from service import create_app
    client = create_app().test_client()
    for path in ("/ko/", "/ko/stories/{DEMO_ID}", "/api/v1/stories/{DEMO_ID}?lang=ja", "/ja/feed.atom",
                 "/api/v1/stories", "/api/v1/coverage", "/healthz"):
        assert client.get(path).status_code == 200, path
    print(sorted(m for m in ("numpy", "psycopg", "service.text.summarize") if m in sys.modules))
    story = {{"id": "written", "published": "2025-10-02", "snippets": [{{"lang": "en", "kind": "paragraph",
             "attribution": "Wire", "text": "The ministers met on Tuesday. They agreed on a new port in Busan."}}]}}
    response = client.post("/api/v1/stories", json=story, headers={{"Authorization": "Bearer {TOKEN}"}})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["points"], "the write was summarized"
    print(sorted(m for m in ("numpy", "service.text.summarize") if m in sys.modules))
""")


def test_a_reading_web_worker_loads_neither_the_summarizer_nor_an_unused_database_driver(app, settings):
    """Reads on SQLite import no numpy (the summarizer's, loaded at the first write) and no psycopg
    (which Huey's storage module would import for a PostgreSQL queue we never use)."""
    result = subprocess.run([sys.executable, "-c", PROBE], env=server_env(settings, 8000), capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["[]", "['numpy', 'service.text.summarize']"]
