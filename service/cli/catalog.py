"""``kakehashi catalog export|import|stats``: the translators' commands.

Errors are one line each, ``file:line: reason``, and a non-zero exit; a rejected file changes
nothing in the store, and a broken file is never overwritten by an export.
"""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..catalogs import CATALOG_LANGUAGES, CatalogError, po_path
from ..catalogs.export import export_catalogs
from ..catalogs.importer import CatalogChanged, import_catalog
from ..catalogs.limits import CatalogLimits
from ..coverage import COUNTS, coverage_report
from ..wiring import services

LANG_OPTION = click.option("--lang", type=click.Choice(CATALOG_LANGUAGES),
                           help="Only this language (default: en, ko and ja).")


@click.group("catalog", help="Translators' catalogs of story text "
                             "(translations/<lang>/LC_MESSAGES/content.po): export, import, stats.")
def catalog_group() -> None:
    pass


@catalog_group.command("export")
@LANG_OPTION
@click.option("--machine-suggestions", is_flag=True,
              help="Fill empty entries with the stored machine translation, marked fuzzy and naming the engine.")
@with_appcontext
def export_command(lang: str | None, machine_suggestions: bool) -> None:
    """Write content.pot and merge the content.po files with the current stories.

    New fields are added, changed source text keeps the old translation as fuzzy with the
    previous msgid, removed fields become obsolete; no reviewed translation is ever dropped.
    Re-running with nothing changed leaves the files byte-identical."""
    svc = services()
    machine = svc.resolver.machine if machine_suggestions else None
    try:
        results = export_catalogs(svc.store, svc.settings.translations_dir, [lang] if lang else CATALOG_LANGUAGES,
                                  machine=machine, limits=CatalogLimits.from_settings(svc.settings))
    except CatalogError as error:
        raise click.ClickException(f"{error}\n(broken catalogs were left as they are; fix them and export again)") from None
    for result in results:
        click.echo(result.summary())


@catalog_group.command("import")
@LANG_OPTION
@click.option("--dry-run", is_flag=True, help="Check the files and print the counts; change nothing.")
@with_appcontext
def import_command(lang: str | None, dry_run: bool) -> None:
    """Check the content.po files and take their reviewed (non-fuzzy, non-empty) msgstrs as
    human translations. A file that fails a check is rejected whole: nothing of it is taken and
    what was imported before stays served. The running service does this by itself when a file
    is saved; this command is for scripts and for --dry-run."""
    svc = services()
    directory = svc.settings.translations_dir
    problems, rejected, withdrawn = [], 0, 0
    for code in [lang] if lang else CATALOG_LANGUAGES:
        if not lang and not po_path(directory, code).exists():
            click.echo(f"{po_path(directory, code)}: no catalog, skipped")
            continue
        try:
            report = import_catalog(svc.store, directory, code, dry_run=dry_run,
                                    limits=CatalogLimits.from_settings(svc.settings))
        except CatalogChanged as changed:
            raise click.ClickException(f"{changed}; nothing of it was imported, run the command again") from None
        except CatalogError as error:
            problems += error.problems
            rejected += 1
            click.echo(f"{po_path(directory, code)}: rejected, nothing imported "
                       f"({len(error.problems)} problem(s))", err=True)
            continue
        assert report is not None   # only a watcher's unless_done import can skip a file
        for warning in report.warnings:
            click.echo(f"{warning.path}:{warning.line}: warning: {warning.reason}", err=True)
        click.echo(report.summary())
        withdrawn += report.withdrawn
    if withdrawn and not dry_run and svc.jobs.sweep():
        click.echo(f"{withdrawn} human translation(s) withdrawn: machine translation enqueued for a worker")
    click.echo(f"{rejected} catalog(s) rejected")
    if problems:
        raise click.ClickException("\n".join(str(p) for p in problems))


@catalog_group.command("stats")
@LANG_OPTION
@with_appcontext
def stats_command(lang: str | None) -> None:
    """Print translation coverage per language and per story: fields, native (already in the
    language), human, machine, source (untranslated fallback), fuzzy (waiting for review)."""
    svc = services()
    langs = [lang] if lang else list(CATALOG_LANGUAGES)
    report = coverage_report(svc.store, svc.settings.translations_dir, langs)
    header = f"{'':<40} {'lang':<4} " + " ".join(f"{name:>7}" for name in COUNTS)
    click.echo(header)
    for code, counts in report["languages"].items():
        click.echo(f"{'all stories':<40} {code:<4} " + " ".join(f"{counts[n]:>7}" for n in COUNTS)
                   + ("" if counts["catalog"] == "ok" else f"  (catalog {counts['catalog']})"))
    while True:
        for row in report["stories"]:
            for code, counts in row["languages"].items():
                click.echo(f"{row['id'][:40]:<40} {code:<4} " + " ".join(f"{counts[n]:>7}" for n in COUNTS))
        if report["next"] is None:
            break
        report = coverage_report(svc.store, svc.settings.translations_dir, langs, cursor=report["next"])
