"""Customer feedback upkeep: receipt code batches, expiring pending ratings, purging contacts."""

import csv
from pathlib import Path

import click
from flask import render_template
from flask.cli import AppGroup

from core.extensions import db
from core.models import Branch
from core.services.ratings.receipt_codes import MAX_BATCH, mint_receipt_codes
from core.services.ratings.submission import expire_pending, purge_contacts

receipt_codes = AppGroup("receipt-codes", help="Single-use receipt codes for verification.")


@receipt_codes.command("generate")
@click.argument("count", type=click.IntRange(1, MAX_BATCH))
@click.option("--branch", "branch_id", type=int, default=None, help="Bind the codes to a branch.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), required=True)
@click.option("--sheet", "sheet_path", type=click.Path(dir_okay=False), default=None,
              help="Also write a printable HTML sheet.")  # fmt: skip
@click.option("--days", type=click.IntRange(1, 3650), default=None, help="Days until expiry.")
def generate(count, branch_id, csv_path, sheet_path, days) -> None:
    """Create COUNT receipt codes and write them to a CSV file (and a printable sheet)."""
    branch = db.session.get(Branch, branch_id) if branch_id is not None else None
    if branch_id is not None and branch is None:
        raise click.BadParameter(f"no branch with id {branch_id}", param_hint="--branch")
    codes, expires_at = mint_receipt_codes(count, branch_id, days)
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "branch_id", "expires_at"])
        for code in codes:
            writer.writerow([code, branch_id or "", expires_at.isoformat()])
    if sheet_path:
        html = render_template(
            "portal/receipt_sheet.html", codes=codes, branch=branch, expires_at=expires_at
        )
        Path(sheet_path).write_text(html, encoding="utf-8")
    click.echo(f"{count} receipt codes written to {csv_path}.")


@click.command("expire-pending")
def expire_pending_command() -> None:
    """Mark ratings never verified within PENDING_RATING_HOURS (24 h) as expired."""
    click.echo(f"{expire_pending()} pending ratings expired.")


@click.command("purge-contacts")
def purge_contacts_command() -> None:
    """Forget customer contacts older than CONTACT_RETENTION_DAYS."""
    click.echo(f"{purge_contacts()} customer contacts purged.")


commands = (receipt_codes, expire_pending_command, purge_contacts_command)
