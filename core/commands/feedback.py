"""Customer feedback upkeep: receipt code batches, expiring pending ratings, purging contacts."""

import csv
from pathlib import Path

import click
from flask import render_template
from flask.cli import AppGroup
from markupsafe import Markup

from core.commands.ops import purge_contacts_and_report
from core.extensions import db
from core.models import Branch
from core.services import DomainError
from core.services.people.cards import card_qr_svg
from core.services.ratings.receipt_codes import MAX_BATCH, mint_receipt_codes
from core.services.ratings.submission import expire_pending
from core.services.ratings.till_codes import receipt_url, serving_employee, till_url

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
    branch = db.session.get(Branch, branch_id) if branch_id is not None else None
    if branch_id is not None and branch is None:
        raise click.BadParameter(f"no branch with id {branch_id}", param_hint="--branch")
    try:
        employee = serving_employee(branch_id, staff_no) if staff_no else None
    except DomainError as error:
        raise click.BadParameter(str(error), param_hint="--staff-no") from error
    codes, expires_at = mint_receipt_codes(count, branch_id, days, employee=employee)
    links = [till_url(employee, code) if employee else receipt_url(code) for code in codes]
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "branch_id", "expires_at", "url"])
        for code, url in zip(codes, links, strict=True):
            writer.writerow([code, branch_id or "", expires_at.isoformat(), url])
    if sheet_path:
        _write_sheet(sheet_path, codes, links, branch, expires_at)
    click.echo(f"{count} receipt codes written to {csv_path}.")


def _write_sheet(path, codes, links, branch, expires_at) -> None:
    """The printable sheet: each code with the QR code of its one-time link."""
    qrs = [Markup(card_qr_svg(url)) for url in links]  # noqa: S704 - generated SVG of our URL
    html = render_template(
        "portal/receipt_sheet.html",
        codes=list(zip(codes, qrs, strict=True)),
        branch=branch,
        expires_at=expires_at,
    )
    Path(path).write_text(html, encoding="utf-8")


@click.command("expire-pending")
def expire_pending_command() -> None:
    """Mark ratings never verified within PENDING_RATING_HOURS (24 h) as expired."""
    click.echo(f"{expire_pending()} pending ratings expired.")


@click.command("purge-contacts")
def purge_contacts_command() -> None:
    """Forget customer contacts older than CONTACT_RETENTION_DAYS, and scrub the files."""
    purge_contacts_and_report()


commands = (receipt_codes, expire_pending_command, purge_contacts_command)
