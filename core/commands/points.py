"""Points upkeep: closing a period fixes each employee's score tier and its extra points."""

import click
from flask.cli import AppGroup

from core.services import DomainError
from core.services.periods import current_period_key
from core.services.points.tiers import close_period
from scoring.periods import previous_period_key

points = AppGroup("points", help="Score tiers and period-end points.")


@points.command("close-period")
@click.argument("key", required=False)
def close_period_command(key: str | None) -> None:
    """Fix the score tiers of period KEY (default: the period before this one) and enter
    their extra points. Safe to run again: employees already fixed are skipped (cron)."""
    key = key or previous_period_key(current_period_key())
    try:
        results = close_period(key, None)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    extra = sum(result.extra for result in results)
    click.echo(f"{key}: {len(results)} employees' tiers fixed, {extra} extra points entered.")


commands = [points]
