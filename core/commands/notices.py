"""Public notice of results: mark results final once their notice is over (for cron)."""

import click
from flask.cli import AppGroup

from core.services.notices.announcements import settle_notices

notices = AppGroup("notices", help="Public notice (公示) of campaign and award results.")


@notices.command("settle")
def settle() -> None:
    """Mark final every result whose notice period is over with no objection open.

    Safe to run as often as you like (cron: every hour); each result is marked once.
    """
    count = settle_notices()
    click.echo(f"{count} results became final.")


commands = (notices,)
