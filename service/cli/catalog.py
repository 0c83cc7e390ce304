"""``kakehashi catalog export|import|stats``: the translators' commands.

Errors are one line each, ``file:line: reason``, and a non-zero exit; a rejected file changes
nothing in the store, and a broken file is never overwritten by an export.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..catalogs import CATALOG_LANGUAGES, CatalogError, CatalogLimits
from ..catalogs.export import export_catalogs
from ..catalogs.importer import CatalogChanged, changed_files, import_file
from ..http.wiring import services
from ..usecases.coverage import COUNTS, coverage_report

LANG_OPTION = click.option("--lang", type=click.Choice(CATALOG_LANGUAGES),
                           help="Only this language (default: en, ko and ja).")
LAYOUT = "translations/<lang>/LC_MESSAGES/content/<YYYY-MM>/<story-id>.po"


@click.group("catalog", help=f"Translators' catalogs of story text, one file per story ({LAYOUT}): "
                             "export, import, stats.")
def catalog_group() -> None:
    pass


@catalog_group.command("export")
@LANG_OPTION
@click.option("--machine-suggestions", is_flag=True,
              help="Fill empty entries with the stored machine translation, marked fuzzy and naming the engine.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only stories published on or after this date (YYYY-MM-DD).")
@click.option("--check-files", is_flag=True,
              help="Also look at every file on disk (one stat each): writes again a file deleted while no worker ran.")
@with_appcontext
def export_command(lang: str | None, machine_suggestions: bool, since: dt.datetime | None, check_files: bool) -> None:
    """Write each story's catalog files, only where something changed since they were written.

    New fields are added, changed source text keeps the old translation as fuzzy with the
    previous msgid, removed fields become obsolete; no reviewed translation is ever dropped.
    Files whose content would not change keep their bytes. A deleted story's file is removed
    (its reviewed translations stay in the store). An old single content.po is split."""
    svc = services()
    machine = svc.resolver.machine if machine_suggestions else None
    def progress(done: int, total: int) -> None:
        click.echo(f"\rexporting: {done}/{total} files rendered", nl=done >= total, err=True)

    try:
        report = export_catalogs(svc.store, svc.settings.translations_dir, [lang] if lang else CATALOG_LANGUAGES,
                                 machine=machine, limits=CatalogLimits.from_settings(svc.settings),
                                 since=since.date() if since else None, progress=progress, check_files=check_files)
    except CatalogError as error:
        raise click.ClickException(f"{error}\n(broken catalogs were left as they are; fix them and export "
                                   "again)") from None
    for line in report.lines():
        click.echo(line)


@catalog_group.command("import")
@LANG_OPTION
@click.option("--dry-run", is_flag=True, help="Check the files and print the counts; change nothing.")
@click.option("--all", "everything", is_flag=True, help="Read every file, not only those changed since their last import.")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@with_appcontext
def import_command(lang: str | None, dry_run: bool, everything: bool, files: tuple[Path, ...]) -> None:
    """Check catalog files and take their reviewed (non-fuzzy, non-empty) msgstrs as human
    translations: the FILES given, else every file changed since its last import. A file that
    fails a check is rejected whole: nothing of it is taken and what was imported before stays
    served. The running service does this by itself when a file is saved; this command is for
    scripts and for --dry-run."""
    svc = services()
    directory = svc.settings.translations_dir
    langs = [lang] if lang else list(CATALOG_LANGUAGES)
    if files:
        paths = [path.resolve() for path in files]
    elif everything or dry_run:
        from ..catalogs import files_on_disk
        paths = [path for path, _ in files_on_disk(directory, tuple(langs))]
    else:
        paths = changed_files(svc.store, directory, langs)
    limits = CatalogLimits.from_settings(svc.settings)
    problems, rejected, withdrawn, imported = [], 0, 0, 0
    for path in paths:
        try:
            report = import_file(svc.store, directory, path, dry_run=dry_run, limits=limits)
        except CatalogChanged as changed:
            raise click.ClickException(f"{changed}; nothing of it was imported, run the command again") from None
        except CatalogError as error:
            problems += error.problems
            rejected += 1
            click.echo(f"{path}: rejected, nothing imported ({len(error.problems)} problem(s))", err=True)
            continue
        assert report is not None   # only a watcher's unless_done import can skip a file
        for warning in report.warnings:
            click.echo(f"{warning.path}:{warning.line}: warning: {warning.reason}", err=True)
        if report.added or report.changed or report.withdrawn or files:
            click.echo(report.summary())
        imported += 1
        withdrawn += report.withdrawn
    if withdrawn and not dry_run and svc.jobs.sweep():
        click.echo(f"{withdrawn} human translation(s) withdrawn: machine translation enqueued for a worker")
    click.echo(f"{imported} catalog file(s) {'checked' if dry_run else 'imported'}, {rejected} rejected")
    if problems:
        raise click.ClickException("\n".join(str(p) for p in problems))


@catalog_group.command("stats")
@LANG_OPTION
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True,
              help="How many stories to list, newest first.")
@with_appcontext
def stats_command(lang: str | None, limit: int) -> None:
    """Print translation coverage per language, then per story, newest first: fields, native
    (already in the language), human, machine, source (untranslated fallback), untranslated,
    fuzzy (waiting for review), and the file to open. Broken files are listed with their
    file:line: reason."""
    svc = services()
    langs = [lang] if lang else list(CATALOG_LANGUAGES)
    report = coverage_report(svc.store, svc.settings.translations_dir, langs, limit=limit)
    click.echo(f"{'':<40} {'lang':<4} " + " ".join(f"{name[:7]:>7}" for name in COUNTS) + "  file")
    for code, counts in report["languages"].items():
        state = "" if counts["catalog"] == "ok" else f"  ({counts['catalog']}: {counts['broken_files']} broken file(s))" \
            if counts["catalog"] == "broken" else "  (no file imported yet)"
        click.echo(f"{'all stories':<40} {code:<4} " + " ".join(f"{counts[n]:>7}" for n in COUNTS) + state)
    for row in report["stories"]:
        for code, counts in row["languages"].items():
            click.echo(f"{row['id'][:40]:<40} {code:<4} " + " ".join(f"{counts[n]:>7}" for n in COUNTS)
                       + f"  {counts['file'] or '-'}")
    if report["next"] is not None:
        click.echo(f"(the {limit} newest stories; --limit shows more)")
    for broken in report["broken_files"]:
        click.echo(f"broken: {broken['error'] or broken['file']}")
