"""``kakehashi models list|install|remove``: offline translation models (Argos packages).

Errors are one line (``click.ClickException``) with a non-zero exit; installs are picked up by
this process at once and by running servers within seconds (they re-scan the models folder).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click
from flask.cli import with_appcontext

from ..core.errors import PackageError
from ..http.wiring import services
from ..translate.packages import install_package, list_packages, remove_package
from ..usecases.announce import publish_installed


@contextmanager
def _one_line_errors(models_dir: Path) -> Iterator[None]:
    """A refused package or a folder we cannot write: one line and a non-zero exit."""
    try:
        yield
    except PackageError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot change {error.filename or models_dir}: "
                                   f"{error.strerror or error}; check KAKEHASHI_MODELS_DIR") from None


def _size(num_bytes: int) -> str:
    return f"{num_bytes / 1024 / 1024:.1f} MB"


@click.group("models")
def models_group() -> None:
    """Install, list and remove offline translation models (Argos .argosmodel packages)."""


@models_group.command("list")
@with_appcontext
def models_list() -> None:
    """List installed models: pair, version, size and folder."""
    svc = services()
    installed = list_packages(svc.settings.models_dir)
    if not installed:
        click.echo(f"No models installed in {svc.settings.models_dir}. "
                   "Install one with: kakehashi models install FILE.argosmodel")
        return
    for package in installed:
        click.echo(f"{package.pair_name:<8} {package.version:<8} {_size(package.size_bytes()):>10}  {package.path}")
    pivots = {pair: label for pair, label in svc.translators.engines().items() if ">" in label}
    for (source, target), label in sorted(pivots.items()):
        click.echo(f"{source}-{target:<5} via en   {label}")


@models_group.command("install")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("--from-index", "pair", metavar="PAIR",
              help="Download PAIR (e.g. en-ko) from the Argos package index instead (needs internet).")
@with_appcontext
def models_install(file: str | None, pair: str | None) -> None:
    """Install FILE (an .argosmodel package), replacing the installed version of its pair."""
    if bool(file) == bool(pair):
        raise click.UsageError("give either FILE or --from-index PAIR")
    svc = services()
    settings = svc.settings
    with _one_line_errors(settings.models_dir):
        if pair:
            from .model_index import install_from_index

            installed = install_from_index(settings.models_dir, pair, settings.max_model_unpacked_bytes)
        else:
            assert file is not None   # checked above: FILE or --from-index
            installed = install_package(settings.models_dir, Path(file), settings.max_model_unpacked_bytes)
    svc.translators.refresh()
    publish_installed(svc.store, svc.settings.models_dir)
    queued = svc.jobs.sweep()
    click.echo(f"Installed {installed.pair_name} {installed.version} ({_size(installed.size_bytes())}) "
               f"as {installed.engine}. "
               + ("A worker translates what is missing (kakehashi jobs shows the queue)" if queued else
                  "Fill translations with: kakehashi translate"))


@models_group.command("remove")
@click.argument("pair")
@with_appcontext
def models_remove(pair: str) -> None:
    """Remove the installed model of PAIR (e.g. en-ko). Stored translations are kept."""
    svc = services()
    with _one_line_errors(svc.settings.models_dir):
        removed = remove_package(svc.settings.models_dir, pair)
    svc.translators.refresh()
    publish_installed(svc.store, svc.settings.models_dir)
    svc.jobs.sweep()             # a pivot through English may now translate what the removed pair did
    for package in removed:
        click.echo(f"Removed {package.pair_name} {package.version}")
