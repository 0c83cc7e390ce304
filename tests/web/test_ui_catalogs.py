"""UI catalogs (domain ``messages``): complete, valid, kept by the pybabel workflow, reloaded live."""
import re
import subprocess

import pytest
from babel.messages.pofile import read_po, write_po

from service.core.config import PROJECT_ROOT
from support.app import DEMO_ID

PLACEHOLDER = re.compile(r"%\(\w+\)s")


def project_catalog(lang):
    with open(PROJECT_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_msgfmt_check_passes(lang):
    path = PROJECT_ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("lang", ["ko", "ja"])
def test_korean_and_japanese_are_complete(lang):
    catalog = project_catalog(lang)
    assert not catalog.fuzzy
    messages = [m for m in catalog if m.id]
    assert len(messages) >= 20
    for message in messages:
        assert message.string and "fuzzy" not in message.flags, message.id
        assert sorted(PLACEHOLDER.findall(message.id)) == sorted(PLACEHOLDER.findall(message.string)), message.id
        assert message.string != message.id


def test_catalogs_cover_every_string_in_the_code(runner, translations_dir):
    result = runner.invoke(args=["i18n", "extract"])
    assert result.exit_code == 0, result.output
    with open(translations_dir / "messages.pot", "rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    for lang in ("ko", "ja"):
        assert extracted <= {m.id for m in project_catalog(lang) if m.string}, f"untranslated in {lang}"


def test_update_keeps_translations_and_marks_changes_fuzzy(runner, translations_dir):
    assert runner.invoke(args=["i18n", "extract"]).exit_code == 0
    pot_path = translations_dir / "messages.pot"
    with open(pot_path, "rb") as handle:
        pot = read_po(handle)
    old = pot["Key points"]
    del pot["Key points"]
    pot.add("The key points", locations=old.locations)
    with open(pot_path, "wb") as handle:
        write_po(handle, pot)
    # update must not re-extract: drive pybabel update directly through our command
    result = runner.invoke(args=["i18n", "update"])
    assert result.exit_code == 0, result.output
    with open(translations_dir / "ko" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        ko = read_po(handle, locale="ko")
    changed = ko["The key points"]
    assert changed.string == "핵심 요약" and "fuzzy" in changed.flags
    text = (translations_dir / "ko" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert '#, fuzzy\n#| msgid "Key points"\nmsgid "The key points"' in text
    assert "#: templates/story.html:" in text
    assert ko["Sources"].string == "출처"
    for lang in ("en", "ko", "ja"):
        po = translations_dir / lang / "LC_MESSAGES" / "messages.po"
        assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)]).returncode == 0


def test_compiled_ui_catalog_is_reloaded_without_restart(app, client, runner, translations_dir):
    before = client.get(f"/ko/stories/{DEMO_ID}")
    assert "핵심 요약" in before.get_data(as_text=True)
    po = translations_dir / "ko" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "핵심 요약"', 'msgstr "주요 내용"'), encoding="utf-8")
    assert runner.invoke(args=["i18n", "compile"]).exit_code == 0
    assert app.extensions["kakehashi_ui"].reload() is True       # what the poller thread does
    after = client.get(f"/ko/stories/{DEMO_ID}", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "주요 내용" in after.get_data(as_text=True), "cached page not reused"
    assert after.headers["ETag"] != before.headers["ETag"]
