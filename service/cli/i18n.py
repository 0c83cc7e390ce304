"""``kakehashi i18n extract|update|compile``: the pybabel workflow for the UI (``messages``) catalogs.

It runs Babel's own command line in-process. ``update`` keeps every translation: changed
strings become fuzzy with their previous msgid, removed ones obsolete, none are dropped.
"""
from __future__ import annotations

import os
from contextlib import chdir
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask.cli import with_appcontext

from ..core.config import PROJECT_ROOT, READING_LANGUAGES
from ..http.wiring import services
from ..usecases.announce import announce_ui_catalogs


def pybabel(*args: str) -> None:
    try:
        CommandLineInterface().run(["pybabel", "-q", *args])
    except SystemExit as exit_:
        if exit_.code:
            raise click.ClickException(f"pybabel {args[0]} failed (exit {exit_.code}); see the message above") from None


def _dirs() -> tuple[Path, Path]:
    translations = services().settings.translations_dir
    return translations, translations / "messages.pot"


@click.group("i18n", help="Extract, update and compile the UI catalogs (domain 'messages').")
def i18n_group() -> None:
    pass


@i18n_group.command("extract")
@with_appcontext
def extract() -> None:
    """Collect UI strings from service/ and templates/ into translations/messages.pot."""
    _, pot = _dirs()
    with chdir(PROJECT_ROOT):  # so locations read "templates/story.html:10", not absolute paths
        pybabel("extract", "-F", "babel.cfg", "-k", "_l", "--sort-output",
                "--project", "Kakehashi", "--copyright-holder", "Kakehashi", "--msgid-bugs-address",
                "translators@kakehashi.invalid", "-o", str(pot), ".")
    click.echo(f"Wrote {pot}")


@i18n_group.command("update")
@with_appcontext
def update() -> None:
    """Merge messages.pot into each language's messages.po, keeping every translation."""
    translations, pot = _dirs()
    if not pot.exists():
        raise click.ClickException(f"{pot} is missing; run 'kakehashi i18n extract' first")
    for lang in READING_LANGUAGES:
        po = translations / lang / "LC_MESSAGES" / "messages.po"
        if po.exists():
            pybabel("update", "-i", str(pot), "-d", str(translations), "-D", "messages", "-l", lang, "--previous")
        else:
            pybabel("init", "-i", str(pot), "-d", str(translations), "-D", "messages", "-l", lang)
        click.echo(f"Updated {po}")


@i18n_group.command("compile")
@with_appcontext
def compile_() -> None:
    """Compile each messages.po to messages.mo (fuzzy entries are left out); the server reloads them."""
    translations, _ = _dirs()
    for po in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        lang, mo = po.parent.parent.name, po.with_suffix(".mo")
        partial = mo.with_name(f".{mo.name}.partial")
        # written aside, then renamed: a running server never reads a half-written .mo
        pybabel("compile", "-i", str(po), "-o", str(partial), "-l", lang, "-D", "messages", "--statistics")
        os.replace(partial, mo)
    announce_ui_catalogs(services().store)
    click.echo(f"Compiled UI catalogs in {translations}")
