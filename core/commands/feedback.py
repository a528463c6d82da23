"""Customer feedback upkeep: receipt code batches, expiring pending ratings, purging contacts."""

import csv
from pathlib import Path

import click
from flask.cli import AppGroup

from core.commands.ops import purge_contacts_and_report
from core.extensions import db
from core.models import Branch
from core.services import DomainError
from core.services.ratings.receipt_codes import MAX_BATCH
from core.services.ratings.receipt_sheets import (
    chosen_employee,
    mint_receipt_sheet,
    render_receipt_sheet,
)
from core.services.ratings.submission import expire_pending

receipt_codes = AppGroup("receipt-codes", help="Single-use receipt codes for verification.")


@receipt_codes.command("generate")
@click.argument("count", type=click.IntRange(1, MAX_BATCH))
@click.option("--branch", "branch_id", type=int, default=None, help="Bind the codes to a branch.")
@click.option("--staff-no", default=None, help="Bind the codes to this employee (with --branch).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), required=True)
@click.option("--sheet", "sheet_path", type=click.Path(dir_okay=False), default=None,
              help="Also write a printable HTML sheet, a QR code per code.")  # fmt: skip
@click.option("--days", type=click.IntRange(1, 3650), default=None, help="Days until expiry.")
def generate(count, branch_id, staff_no, csv_path, sheet_path, days) -> None:
    """Create COUNT receipt codes and write them to a CSV file (and a printable sheet)."""
    if branch_id is not None and db.session.get(Branch, branch_id) is None:
        raise click.BadParameter(f"no branch with id {branch_id}", param_hint="--branch")
    try:
        employee = chosen_employee(branch_id, staff_no=staff_no or "")
    except DomainError as error:
        raise click.BadParameter(str(error), param_hint="--staff-no") from error
    sheet = mint_receipt_sheet(count, branch_id, employee, days)
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "branch_id", "expires_at", "url"])
        for row in sheet.codes:
            writer.writerow([row.code, branch_id or "", sheet.expires_at.isoformat(), row.url])
    if sheet_path:
        Path(sheet_path).write_text(render_receipt_sheet(sheet), encoding="utf-8")
    click.echo(f"{count} receipt codes written to {csv_path}.")


@click.command("expire-pending")
def expire_pending_command() -> None:
    """Mark ratings never verified within PENDING_RATING_HOURS (24 h) as expired."""
    click.echo(f"{expire_pending()} pending ratings expired.")


@click.command("purge-contacts")
def purge_contacts_command() -> None:
    """Forget customer contacts older than CONTACT_RETENTION_DAYS, and scrub the files."""
    purge_contacts_and_report()


commands = (receipt_codes, expire_pending_command, purge_contacts_command)
