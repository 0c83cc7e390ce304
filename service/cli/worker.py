"""``kakehashi worker``: run the translation consumer (start any number, on any machine)."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..http.wiring import services


@click.command("worker")
@click.option("--concurrency", "-c", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Jobs run at once (threads sharing one loaded copy of each model).")
@with_appcontext
def worker_command(concurrency: int) -> None:
    """Translate queued stories with the installed models (CPU or CUDA, KAKEHASHI_MT_DEVICE).

    Also publishes this machine's models to the store, beats a heartbeat for /healthz, and sweeps
    (at start and every KAKEHASHI_QUEUE_SWEEP_SECONDS) for anything left untranslated. Ctrl-C
    finishes the running jobs and stops; a second Ctrl-C stops at once."""
    # imported here: the worker loads ctranslate2, which web processes (that load this CLI) never do
    from ..worker.consumer import DeviceError, run_worker

    try:
        run_worker(services().settings, concurrency=concurrency)
    except DeviceError as error:
        raise click.ClickException(str(error)) from None
