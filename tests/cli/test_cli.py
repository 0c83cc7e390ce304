"""The ``kakehashi`` command: init is idempotent on a real SQLite file; bad settings fail in one line."""
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from service.store.migrate import alembic_config
from support.app import DEMO_ID
from support.server import server_env


def test_init_creates_store_and_loads_demo_once(settings):
    from service import create_app

    runner = create_app(settings).test_cli_runner()
    first = runner.invoke(args=["init"])
    assert first.exit_code == 0, first.output
    assert f"Demo story {DEMO_ID}: loaded" in first.output
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0 and "already in the store, kept as it is" in second.output
    db = Path(settings.database_url.removeprefix("sqlite:///"))
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from stories").fetchone() == (1,)
        head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
        assert connection.execute("select version_num from alembic_version").fetchone() == (head,)
        snippets = connection.execute("select count(*) from snippets where story_id=?", (DEMO_ID,)).fetchone()[0]
    assert snippets == 16


def test_init_without_demo(settings):
    from service import create_app

    result = create_app(settings).test_cli_runner().invoke(args=["init", "--no-demo"])
    assert result.exit_code == 0 and "Demo story" not in result.output


def test_console_script_help_lists_the_commands(settings):
    output = subprocess.run([str(Path(sys.executable).parent / "kakehashi"), "--help"], capture_output=True,
                            text=True, env=server_env(settings, 8000), check=True).stdout
    for command in ("init", "models", "translate", "catalog", "i18n"):
        assert f"  {command}" in output


def test_bad_setting_is_a_one_line_error(settings):
    env = dict(server_env(settings, 8000), KAKEHASHI_MAX_SNIPPETS="many")
    result = subprocess.run([str(Path(sys.executable).parent / "kakehashi"), "init"], capture_output=True,
                            text=True, env=env)
    assert result.returncode != 0
    assert "KAKEHASHI_MAX_SNIPPETS must be a whole number, got 'many'" in result.stderr
    assert "Traceback" not in result.stderr


def test_init_keeps_an_edited_demo_story(settings, auth):
    """`make serve` runs init at every start: an editor's change to the demo story stays."""
    from service import create_app

    app = create_app(settings)
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    client = app.test_client()
    body = client.get(f"/api/v1/stories/{DEMO_ID}").get_json()
    edited = {"id": DEMO_ID, "published": body["published"], "title": "An editor's title",
              "snippets": [{k: v for k, v in s.items() if v is not None} for s in body["sources"]]}
    assert client.put(f"/api/v1/stories/{DEMO_ID}", json=edited, headers=auth).status_code == 200
    again = app.test_cli_runner().invoke(args=["init"])
    assert again.exit_code == 0 and "kept as it is" in again.output
    assert client.get(f"/api/v1/stories/{DEMO_ID}").get_json()["title"]["text"] == "An editor's title"
    app.extensions["kakehashi"].store.dispose()

def test_commands_print_only_what_was_asked_unless_verbose(settings):
    import subprocess
    import sys
    from pathlib import Path

    from support.server import free_port, server_env

    env = server_env(settings, free_port())
    env.pop("KAKEHASHI_LOG_LEVEL", None)
    kakehashi = str(Path(sys.executable).parent / "kakehashi")
    quiet = subprocess.run([kakehashi, "init"], env=env, capture_output=True, text=True, check=True)
    assert "INFO" not in quiet.stdout + quiet.stderr and "Store ready" in quiet.stdout
    verbose = subprocess.run([kakehashi, "--verbose", "models", "list"], env=env, capture_output=True, text=True,
                             check=True)
    assert "UI catalogs loaded" in verbose.stderr
    by_env = subprocess.run([kakehashi, "models", "list"], env={**env, "KAKEHASHI_LOG_LEVEL": "INFO"},
                            capture_output=True, text=True, check=True)
    assert "UI catalogs loaded" in by_env.stderr
