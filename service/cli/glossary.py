"""``kakehashi glossary import|export|show``: the glossary machine translation obeys.

``import`` takes a TBX file (2 or 3) or Weblate's glossary CSV (one language pair: say which
with ``--source``/``--target``; its rows are merged into the current glossary), writes it as
``translations/glossary.tbx`` and puts it in force at once, enqueueing the stories that hold a
changed term. A refused file changes nothing: errors are ``file:line: reason``, exit 1.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..http.wiring import services
from ..translate.glossary import LANGUAGES
from ..translate.glossary_file import GlossaryError, merged, read_glossary_file, write_file_atomically, write_tbx
from ..translate.glossary_live import current_glossary, glossary_path, glossary_status, load_glossary


@click.group("glossary", help="The glossary (translations/glossary.tbx) that machine translation obeys.")
def glossary_group() -> None:
    pass


@glossary_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="CSV only: the language of the source column.")
@click.option("--target", type=click.Choice(LANGUAGES), help="CSV only: the language of the target column.")
@with_appcontext
def import_command(file: Path, source: str, target: str | None) -> None:
    """Replace the glossary with a TBX file, or merge a Weblate glossary CSV into it."""
    svc = services()
    try:
        glossary = read_glossary_file(file, svc.settings.max_glossary_bytes, name=file.name, source=source,
                                      target=target)
    except GlossaryError as error:
        raise click.ClickException("\n".join(error.problems) + "\n(nothing changed)") from None
    if file.suffix.lower() == ".csv":
        glossary = merged(current_glossary(svc.store), glossary, source)
    write_file_atomically(glossary_path(svc.settings), write_tbx(glossary))
    try:
        result = load_glossary(svc.settings, svc.store, svc.jobs.translate)
    except GlossaryError as error:   # cannot happen for a file we wrote, but say so if it does
        raise click.ClickException(error.message) from None
    click.echo(f"Glossary in force: {result.concepts} concepts; {len(result.stories)} stories to translate again")


@glossary_group.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here instead of standard output.")
@with_appcontext
def export_command(output: Path | None) -> None:
    """Write the glossary in force as TBX (what Weblate, Pontoon and translate-toolkit read)."""
    data = write_tbx(current_glossary(services().store))
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        write_file_atomically(output, data)
        click.echo(f"Wrote {output}", err=True)


@glossary_group.command("status")
@with_appcontext
def status_command() -> None:
    """How many concepts are in force, and why the file was last refused (if it was)."""
    status = glossary_status(services().store)
    click.echo(f"{status['concepts']} concepts in force")
    if status["error"]:
        click.echo(f"last file refused: {status['error']}")
        raise SystemExit(1)
