"""Aggregates and balances: check them against the raw ratings and ledger, and repair."""

import click
from flask.cli import AppGroup

from core.database import begin_write
from core.extensions import db
from core.services.ratings.aggregates_check import find_drift, rebuild_aggregates

scores = AppGroup("scores", help="Check or repair score aggregates and points balances.")


@scores.command("verify")
def verify() -> None:
    """Recompute aggregates and balances from ratings and ledger; exit 1 on any drift."""
    drifts = find_drift()
    db.session.rollback()
    for drift in drifts:
        click.echo(drift.describe())
    if drifts:
        click.echo(f"{len(drifts)} drifted rows; run `flask scores rebuild` to repair.", err=True)
        raise SystemExit(1)
    click.echo("Aggregates and balances match the ratings and the ledger.")


@scores.command("rebuild")
def rebuild() -> None:
    """Replace every aggregate and balance with values recomputed from the raw rows."""
    begin_write()
    drifts = rebuild_aggregates()
    for drift in drifts:
        click.echo(f"repaired {drift.describe()}")
    click.echo(f"Rebuilt aggregates and balances; {len(drifts)} rows were drifted.")


commands = [scores]
