"""``kakehashi jobs [retry]``: what the translation queue holds, what failed and why, and retrying."""
from __future__ import annotations

import datetime as dt
import time

import click
from flask.cli import with_appcontext

from ..jobs.client import JobClient
from ..jobs.status import failed_jobs, forget_failures
from ..jobs.tasks import SWEEP, TRANSLATE
from ..wiring import services


@click.group("jobs", invoke_without_command=True)
@click.pass_context
@with_appcontext
def jobs_group(ctx: click.Context) -> None:
    """List pending jobs, retries waiting and failed jobs (with the reason); `jobs retry` reruns."""
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


@jobs_group.command("retry")
@click.argument("keys", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Retry every failed job.")
@with_appcontext
def jobs_retry(keys: tuple[str, ...], everything: bool) -> None:
    """Enqueue failed jobs again (e.g. `kakehashi jobs retry translate:my-story`)."""
    if bool(keys) == everything:
        raise click.UsageError("give job names (as `kakehashi jobs` lists them) or --all")
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


def _when(eta: object) -> str:
    if isinstance(eta, dt.datetime):
        return f"{eta:%Y-%m-%d %H:%M:%S} UTC"
    return "soon"
