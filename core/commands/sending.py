"""`flask send-worker`: the worker that sends queued mail and SMS."""

import click
from flask.cli import with_appcontext

from core.services.messaging.queue import run_worker


@click.command("send-worker")
@click.option(
    "--workers",
    default=4,
    show_default=True,
    help="Sends at once (threads): a slow gateway holds one each.",
)
@with_appcontext
def send_worker_command(workers: int) -> None:
    """Send queued codes and mails until stopped (Ctrl-C or SIGINT finishes the sends in
    flight). Needs TASK_QUEUE_IMMEDIATE=0, as on the web servers."""
    try:
        run_worker(workers)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from error


commands = [send_worker_command]
