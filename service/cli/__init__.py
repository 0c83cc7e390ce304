"""The ``kakehashi`` command: a Flask CLI group, so ``flask --app service ...`` works as well."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from ..config import ConfigError
from ..errors import DomainError
from ..stories import StoryInput
from ..story_input import story_input
from ..wiring import Services, services

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"


# Commands print only what the user asked for: log lines (catalogs loaded, migrations run) are
# shown with --verbose or an explicit KAKEHASHI_LOG_LEVEL. The worker is a server, so it logs.
_verbose = False
LOGGING_COMMANDS = ("worker",)


def _set_verbose(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """An eager option: read before the app is made (FlaskGroup makes it to find the commands)."""
    global _verbose
    _verbose = _verbose or value


def _quiet() -> bool:
    args = sys.argv[1:]
    return not (_verbose or os.environ.get("KAKEHASHI_LOG_LEVEL") or any(c in args for c in LOGGING_COMMANDS))


def _create_app() -> Flask:
    from .. import create_app
    from ..config import settings_from_env

    try:
        settings = settings_from_env()
        return create_app(settings.with_overrides(log_level="WARNING") if _quiet() else settings)
    except ConfigError as error:
        click.echo(f"Error: {error}. Fix the KAKEHASHI_* variable and try again.", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True,
             help="Kakehashi: verifiable news summaries in English, Korean and Japanese.")
@click.option("--verbose", "-v", is_flag=True, is_eager=True, expose_value=False, callback=_set_verbose,
              help="Also print log lines (as KAKEHASHI_LOG_LEVEL=INFO does).")
def main() -> None:
    pass


def demo_stories() -> list[StoryInput]:
    """The stories shipped as demo data (``service/demo/*.json``), in the API's body format."""
    settings = services().settings
    stories = []
    for path in sorted(DEMO_DIR.glob("*.json")):
        try:
            stories.append(story_input(json.loads(path.read_text(encoding="utf-8")), settings))
        except DomainError as error:
            raise click.ClickException(f"{path.name}: {error.message}") from None
    return stories


@click.command("init")
@click.option("--no-demo", is_flag=True, help="Only create or upgrade the store; load no demo story.")
@with_appcontext
def init_command(no_demo: bool) -> None:
    """Create or upgrade the store (Alembic migrations) and load the demo story if it is not there
    (an edited one is kept as it is). Safe to repeat."""
    from ..store.migrate import upgrade
    from ..stories import load_story

    svc = services()
    upgrade(svc.settings.database_url)
    click.echo(f"Store ready: {svc.store.engine.url.render_as_string(hide_password=True)}")
    if no_demo:
        return
    _demo_glossary(svc)
    changed_ids = []
    for story in demo_stories():
        # never over an editor's work: `make serve` runs init at every start
        changed = load_story(svc.store, story)
        click.echo(f"Demo story {story.id}: {'loaded' if changed else 'already in the store, kept as it is'}")
        if changed:
            changed_ids.append(story.id)
    if changed_ids and svc.jobs.translate(changed_ids):
        click.echo(f"Machine translation of {len(changed_ids)} story(ies) enqueued for a worker (kakehashi worker)")


def _demo_glossary(svc: Services) -> None:
    """Ship the demo glossary as ``translations/glossary.tbx`` unless one is there, and put the
    file in force (a file a translator edited is never overwritten)."""
    from ..translate.glossary_file import GlossaryError
    from ..translate.glossary_live import glossary_path, load_glossary

    path = glossary_path(svc.settings)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEMO_DIR / "glossary.tbx", path)
        click.echo(f"Demo glossary written: {path}")
    try:
        result = load_glossary(svc.settings, svc.store, svc.jobs.translate)
    except GlossaryError as error:
        click.echo(f"Glossary refused, the one in force stays: {error.message}", err=True)
        return
    click.echo(f"Glossary in force: {result.concepts} concepts")


def register_cli(app: Flask) -> None:
    from .catalog import catalog_group
    from .glossary import glossary_group
    from .i18n import i18n_group
    from .jobs import jobs_group
    from .models import models_group
    from .translate import translate_command
    from .worker import worker_command

    for command in (init_command, models_group, translate_command, catalog_group, i18n_group, worker_command,
                    jobs_group, glossary_group):
        app.cli.add_command(command)
