"""The ``kakehashi`` commands, registered on the app (``register_cli``), so ``flask --app service ...``
works as well; the ``kakehashi`` entry point itself is ``service/__main__.py``."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from ..core.errors import DomainError
from ..http.wiring import Services, services
from ..usecases.stories import StoryInput
from ..usecases.story_input import story_input

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"


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

    svc = services()
    upgrade(svc.settings.database_url)
    click.echo(f"Store ready: {svc.store.engine.url.render_as_string(hide_password=True)}")
    if no_demo:
        return
    _demo_glossary(svc)
    # never over an editor's work: `make serve` runs init at every start
    stories = demo_stories()
    created, enqueued = svc.stories.load(stories)
    for story in stories:
        loaded = story.id in created
        click.echo(f"Demo story {story.id}: {'loaded' if loaded else 'already in the store, kept as it is'}")
    if enqueued:
        click.echo(f"Machine translation of {len(created)} story(ies) enqueued for a worker (kakehashi worker)")


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
    from .model_packages import models_group
    from .translate import translate_command
    from .worker import worker_command

    for command in (init_command, models_group, translate_command, catalog_group, i18n_group, worker_command,
                    jobs_group, glossary_group):
        app.cli.add_command(command)
