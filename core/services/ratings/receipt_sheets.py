"""A printable batch of receipt codes: mint them, and give each its one-time link and QR.

One place for the sheet, whoever asks for it: the admin page shows it once (the codes
are stored hashed, so they can never be shown again) and `flask receipt-codes generate
--sheet` writes it to a file; both render templates/receipt_codes/_sheet.html.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _
from markupsafe import Markup

from core.extensions import db
from core.models import Branch, Employee, User
from core.services.people.cards import qr_svg
from core.services.ratings.receipt_codes import InvalidBatch, mint_receipt_codes
from core.services.ratings.till_codes import receipt_url, serving_employee, till_url

# The sheet's styles: linked by the admin page, inlined into the CLI's standalone file.
SHEET_CSS = "css/receipt_sheet.css"


@dataclass(frozen=True)
class SheetCode:
    """One code of a batch: as printed, and the link its QR carries."""

    code: str
    url: str

    @property
    def qr(self) -> Markup:
        """The QR code of the link, drawn when the sheet is (a CSV alone needs none)."""
        return Markup(qr_svg(self.url))  # noqa: S704 - generated SVG of our own URL


@dataclass(frozen=True)
class ReceiptSheet:
    """A freshly minted batch, ready to print."""

    codes: list[SheetCode]
    branch: Branch | None
    employee: Employee | None
    expires_at: datetime


def chosen_employee(
    branch_id: int | None, employee_id: int | None = None, staff_no: str = ""
) -> Employee | None:
    """The serving employee a batch is for: picked from a list, or by staff number, or none.

    A picked employee must be active and work at the batch's branch (InvalidBatch).
    """
    if employee_id:
        employee = db.session.get(Employee, employee_id)
        if employee is None or not employee.active or employee.branch_id != branch_id:
            raise InvalidBatch(_("Choose an active employee of this branch."))
        if staff_no and employee.staff_no != staff_no:
            raise InvalidBatch(_("This staff number is not the chosen employee's."))
        return employee
    return serving_employee(branch_id, staff_no) if staff_no else None


def sheet_codes(codes: list[str], employee: Employee | None) -> list[SheetCode]:
    """Each code with its one-time link: the serving employee's card, else who served."""
    return [
        SheetCode(code, till_url(employee, code) if employee else receipt_url(code))
        for code in codes
    ]


def mint_receipt_sheet(
    count: int,
    branch_id: int | None,
    employee: Employee | None = None,
    valid_days: int | None = None,
    actor: User | None = None,
) -> ReceiptSheet:
    """Mint `count` codes for a branch (and the employee who served), audited; commits."""
    codes, expires_at = mint_receipt_codes(
        count, branch_id, valid_days, employee=employee, audited=True, actor=actor
    )
    branch = db.session.get(Branch, employee.branch_id if employee else branch_id)
    return ReceiptSheet(sheet_codes(codes, employee), branch, employee, expires_at)


def render_receipt_sheet(sheet: ReceiptSheet) -> str:
    """The sheet as a standalone HTML file with its styles inlined, to print locally."""
    return render_template("portal/receipt_sheet.html", sheet=sheet, css=_sheet_css())


def _sheet_css() -> Markup:
    """The sheet's stylesheet, for a file printed without the site to link it from."""
    path = Path(current_app.static_folder) / SHEET_CSS
    return Markup(path.read_text(encoding="utf-8"))  # noqa: S704 - our own file
