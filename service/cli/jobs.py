"""``kakehashi jobs [retry]``: what the translation queue holds, what failed and why, the stories
owed a translation that no job covers, and retrying (``--owed`` enqueues those)."""
from __future__ import annotations

import datetime as dt
import time

import click
from flask.cli import with_appcontext

from ..http.wiring import services
from ..jobs.client import JobClient
from ..jobs.owed import enqueue_owed, owed_work
from ..jobs.status import failed_jobs, forget_failures
from ..jobs.tasks import SWEEP, TRANSLATE

OWED_SHOWN = 50           # stories listed by name; the count says how many more


@click.group("jobs", invoke_without_command=True)
@click.pass_context
@with_appcontext
def jobs_group(ctx: click.Context) -> None:
    """List pending jobs, retries waiting, failed jobs (with the reason) and stories owed a
    translation that no job covers; `jobs retry` reruns."""
    if ctx.invoked_subcommand is not None:
        return
    svc = services()
    try:
        pending, scheduled = svc.jobs.pending(), svc.jobs.scheduled()
    except Exception as error:  # noqa: BLE001 - the queue server is down: say so, in one line
        raise click.ClickException(f"cannot read the queue ({error}); check KAKEHASHI_QUEUE_URL") from None
    now = time.time()
    click.echo(f"{len(pending)} pending")
    for job in pending:
        age = f"{now - job.queued_at:.0f} s ago" if job.queued_at else "unknown age"
        click.echo(f"  {job.key:<50} queued {age}")
    click.echo(f"{len(scheduled)} waiting to retry")
    for job in scheduled:
        click.echo(f"  {job.key:<50} at {_when(job.eta)}")
    failures = failed_jobs(svc.store)
    click.echo(f"{len(failures)} failed")
    for failure in failures:
        state = f"{failure.retries_left} retries left" if failure.retries_left > 0 else "no retries left"
        click.echo(f"  {failure.key:<50} {failure.attempts} attempt(s), {state}, last {failure.failed_at:%Y-%m-%d %H:%M:%S} UTC")
        click.echo(f"      {failure.error}")
    if failures:
        click.echo("Retry with: kakehashi jobs retry --all (or give job names)")
    owed = owed_work(svc.settings, svc.store, svc.jobs)
    click.echo(f"{len(owed.uncovered)} owed a translation with no job ({owed.stories} owed in all)")
    shown = OWED_SHOWN
    for story_id, published in owed.uncovered[:shown]:
        click.echo(f"  {'translate:' + story_id:<50} published {published:%Y-%m-%d}")
    if len(owed.uncovered) > shown:
        click.echo(f"  … and {len(owed.uncovered) - shown} more")
    if owed.uncovered:
        click.echo("Is `kakehashi worker` running? Enqueue them with: kakehashi jobs retry --owed")


@jobs_group.command("retry")
@click.argument("keys", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Retry every failed job.")
@click.option("--owed", is_flag=True, help="Enqueue every story owed a translation that no job covers.")
@with_appcontext
def jobs_retry(keys: tuple[str, ...], everything: bool, owed: bool) -> None:
    """Enqueue failed jobs again (e.g. `kakehashi jobs retry translate:my-story`), or with --owed
    the stories owed a translation that no job covers (newest published first)."""
    if owed:
        if keys or everything:
            raise click.UsageError("--owed takes no job names and no --all")
        _retry_owed()
        return
    if bool(keys) == everything:
        raise click.UsageError("give job names (as `kakehashi jobs` lists them), --all or --owed")
    svc = services()
    failures = {failure.key: failure for failure in failed_jobs(svc.store)}
    unknown = [key for key in keys if key not in failures]
    if unknown:
        raise click.ClickException(f"no failed job named {', '.join(unknown)}; `kakehashi jobs` lists them")
    chosen = [failures[key] for key in (keys or failures)]
    stories = [f.argument for f in chosen if f.task == TRANSLATE and f.argument]
    jobs = JobClient(svc.settings, enabled=True)     # asked for by name: even with KAKEHASHI_MT_BACKGROUND off
    try:
        done = jobs.translate(stories) if stories else 0
        if any(f.task == SWEEP for f in chosen):
            done += int(jobs.sweep())
    finally:
        jobs.close()
    if done < len(chosen):
        raise click.ClickException("could not enqueue every job; check the queue (KAKEHASHI_QUEUE_URL)")
    forget_failures(svc.store, [failure.key for failure in chosen])
    click.echo(f"{len(chosen)} job(s) enqueued again")


def _retry_owed() -> None:
    svc = services()
    try:
        enqueued, uncovered = enqueue_owed(svc.settings, svc.store)
    except Exception as error:  # noqa: BLE001 - the queue server is down: say so, in one line
        raise click.ClickException(f"cannot read the queue ({error}); check KAKEHASHI_QUEUE_URL") from None
    forget_failures(svc.store, [f"translate:{story_id}" for story_id in enqueued])   # running again
    if len(enqueued) < uncovered:
        raise click.ClickException(f"enqueued {len(enqueued)} of {uncovered}; check the queue (KAKEHASHI_QUEUE_URL)")
    click.echo(f"{len(enqueued)} story(ies) owed a translation enqueued for a worker")


def _when(eta: object) -> str:
    if isinstance(eta, dt.datetime):
        return f"{eta:%Y-%m-%d %H:%M:%S} UTC"
    return "soon"
