"""Aggregates, balances and published results: check them against the raw rows, and repair."""

import click
from flask.cli import AppGroup

from core.database import begin_write
from core.extensions import db
from core.services.awards.reproduce import reproduce_published
from core.services.ratings.aggregates_check import find_drift, rebuild_aggregates

scores = AppGroup("scores", help="Check or repair score aggregates and points balances.")


@scores.command("verify")
def verify() -> None:
    """Recompute aggregates, balances and published results from raw rows; exit 1 on any drift."""
    drifts = find_drift()
    reproduction = reproduce_published()
    db.session.rollback()
    for drift in drifts:
        click.echo(drift.describe())
    for difference in reproduction.differences:
        click.echo(difference.describe())
    if drifts:
        click.echo(f"{len(drifts)} drifted rows; run `flask scores rebuild` to repair.", err=True)
    if reproduction.differences:
        click.echo(
            f"{len(reproduction.differences)} differences from published snapshots.", err=True
        )
    if drifts or reproduction.differences:
        raise SystemExit(1)
    click.echo("Aggregates and balances match the ratings and the ledger.")
    click.echo(
        f"{len(reproduction.checked)} published results reproduce from the stored data "
        "(0 differences)."
    )


@scores.command("rebuild")
def rebuild() -> None:
    """Replace every aggregate and balance with values recomputed from the raw rows."""
    begin_write()
    drifts = rebuild_aggregates()
    for drift in drifts:
        click.echo(f"repaired {drift.describe()}")
    click.echo(f"Rebuilt aggregates and balances; {len(drifts)} rows were drifted.")


commands = [scores]
