"""The ``kakehashi`` command (``python -m service`` too): a Flask CLI group around ``create_app``.

The commands themselves live in ``service/cli/`` and are registered by the app factory.
"""
from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from . import create_app
from .core.config import ConfigError, settings_from_env

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


if __name__ == "__main__":
    main()
