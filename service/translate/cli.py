"""``kakehashi models list|install|remove`` and ``kakehashi translate``.

Errors are one line (``click.ClickException``) with a non-zero exit; installs are picked up by
this process at once and by running servers within seconds (they re-scan the models folder).
"""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..config import READING_LANGUAGES
from ..wiring import services
from .errors import PackageError


def _size(num_bytes: int) -> str:
    return f"{num_bytes / 1024 / 1024:.1f} MB"


@click.group("models")
def models_group():
    """Install, list and remove offline translation models (Argos .argosmodel packages)."""


@models_group.command("list")
@with_appcontext
def models_list():
    """List installed models: pair, version, size and folder."""
    from .packages import list_packages

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
def models_install(file: str | None, pair: str | None):
    """Install FILE (an .argosmodel package), replacing the installed version of its pair."""
    if bool(file) == bool(pair):
        raise click.UsageError("give either FILE or --from-index PAIR")
    svc = services()
    settings = svc.settings
    try:
        if pair:
            from .index import install_from_index

            installed = install_from_index(settings.models_dir, pair, settings.max_model_unpacked_bytes)
        else:
            from .packages import install_package

            installed = install_package(settings.models_dir, file, settings.max_model_unpacked_bytes)
    except PackageError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot write to {error.filename or settings.models_dir}: "
                                   f"{error.strerror or error}; check KAKEHASHI_MODELS_DIR") from None
    svc.translators.refresh()
    click.echo(f"Installed {installed.pair_name} {installed.version} ({_size(installed.size_bytes())}) "
               f"as {installed.engine}. Fill translations with: kakehashi translate")


@models_group.command("remove")
@click.argument("pair")
@with_appcontext
def models_remove(pair: str):
    """Remove the installed model of PAIR (e.g. en-ko). Stored translations are kept."""
    from .packages import remove_package

    svc = services()
    try:
        removed = remove_package(svc.settings.models_dir, pair)
    except PackageError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"cannot change {error.filename or svc.settings.models_dir}: "
                                   f"{error.strerror or error}; check KAKEHASHI_MODELS_DIR") from None
    svc.translators.refresh()
    for package in removed:
        click.echo(f"Removed {package.pair_name} {package.version}")


@click.command("translate")
@click.option("--story", "story_id", metavar="ID", help="Only this story.")
@click.option("--lang", type=click.Choice(READING_LANGUAGES), help="Only this reading language.")
@click.option("--dry-run", is_flag=True, help="Count what is missing; translate nothing.")
@with_appcontext
def translate_command(story_id: str | None, lang: str | None, dry_run: bool):
    """Fill missing machine translations with the installed models (batched, with progress)."""
    from .fill import fill_missing
    from ..store.queries import story_ids as all_story_ids

    svc = services()
    if not svc.translators.engines():
        raise click.ClickException(f"no translation models installed in {svc.settings.models_dir}; "
                                   "install one with: kakehashi models install FILE.argosmodel")
    if story_id is not None:
        with svc.store.reading() as session:
            if story_id not in all_story_ids(session):
                raise click.ClickException(f"no story with id {story_id!r}")
    bar = _Progress()
    try:
        report = fill_missing(svc.store, svc.translators, story_ids=[story_id] if story_id else None,
                              langs=[lang] if lang else None, dry_run=dry_run, progress=bar)
    finally:
        bar.close()
    notes = []
    if report.skipped:
        pairs = ", ".join(f"{s}-{t}" for s, t in sorted(report.missing_pairs))
        notes.append(f"{report.skipped} skipped (no model for {pairs})")
    if report.failed:
        notes.append(f"{report.failed} failed (see the log; served as source)")
    tail = f"; {'; '.join(notes)}" if notes else ""
    if dry_run:
        click.echo(f"{report.pending} fields to translate (dry run){tail}")
    else:
        click.echo(f"{report.done} fields translated in {report.seconds:.1f} s "
                   f"({report.fields_per_second:.1f} fields/s){tail}")
    if report.failed:
        raise SystemExit(1)


class _Progress:
    """A click progress bar opened at the first report (when the total is known)."""

    def __init__(self):
        self._bar = None
        self._shown = 0

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="Translating", file=sys.stderr)
            self._bar.__enter__()
        if done > self._shown:
            self._bar.update(done - self._shown)
            self._shown = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
