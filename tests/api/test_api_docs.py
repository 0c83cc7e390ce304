"""The API described for programs: raw UTF-8 OpenAPI documents that openapi-spec-validator's
command line accepts, LibreTranslate's face at /spec, and an offline docs page."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

VALIDATOR = Path(sys.executable).parent / "openapi-spec-validator"


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/spec"])
def test_documents_are_raw_utf8_and_pass_the_validator_cli(client, tmp_path, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert not re.search(rb"\\u[dD][89a-fA-F]", response.data)     # no surrogate escapes
    response.data.decode("utf-8")
    target = tmp_path / "document.json"
    target.write_bytes(response.data)
    result = subprocess.run([str(VALIDATOR), str(target)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "OK" in result.stdout, result.stdout + result.stderr


def test_spec_describes_the_libretranslate_paths(client):
    spec = client.get("/spec").get_json()
    assert {"/translate", "/detect", "/languages", "/frontend/settings"} <= set(spec["paths"])
    assert spec["components"]["schemas"]["Error"]["required"] == ["error"]


def test_the_422_shape_is_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/api/v1/stories"]["post"]["responses"]["422"]
    assert post["content"]["application/json"]["schema"]["$ref"].endswith("/ValidationErrorOut")
    detail = doc["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"field", "code", "message"}


def test_docs_page_loads_everything_from_this_server(client):
    page = client.get("/api/v1/docs/").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/api/v1/docs/assets/") for s in sources), sources
    assert "/api/v1/openapi.json" in page and "/spec" in page and "validatorUrl: null" in page
    for source in sources:
        assert client.get(source).status_code == 200
    assert client.get("/api/v1/docs/assets/../../etc/passwd").status_code == 404
