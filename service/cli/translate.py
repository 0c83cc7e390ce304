"""``kakehashi translate``: fill missing machine translations, with a progress bar."""
from __future__ import annotations

import sys

import click
from click._termui_impl import ProgressBar
from flask.cli import with_appcontext

from ..core.config import READING_LANGUAGES
from ..http.wiring import services
from ..translate.fill import fill_missing
from ..usecases.stories import story_exists


@click.command("translate")
@click.option("--story", "story_id", metavar="ID", help="Only this story.")
@click.option("--lang", type=click.Choice(READING_LANGUAGES), help="Only this reading language.")
@click.option("--dry-run", is_flag=True, help="Count what is missing; translate nothing.")
@with_appcontext
def translate_command(story_id: str | None, lang: str | None, dry_run: bool) -> None:
    """Fill missing machine translations with the installed models (batched, with progress)."""
    svc = services()
    if not svc.translators.engines():
        raise click.ClickException(f"no translation models installed in {svc.settings.models_dir}; "
                                   "install one with: kakehashi models install FILE.argosmodel")
    if story_id is not None:
        if not story_exists(svc.store, story_id):
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

    def __init__(self) -> None:
        self._bar: ProgressBar[int] | None = None
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
