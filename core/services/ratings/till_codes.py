"""The till's one-time QR: a receipt code in a link, checked at the scan, used at Send.

A till that says who served (its staff number at the branch) gets, per code, the link
to that employee's card carrying the code (/C/<token>/R/<code>); a printed batch without
an employee links to /R/<code>. Scanning only reads the code (portal/till.py keeps its
id in the session); sending the rating stores and verifies it with the code in one
transaction, through the same conditional UPDATE as a typed code, so it is used once.
"""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from core.models import Branch, Employee, Rating, ReceiptCode
from core.services.people.cards import card_url, qr_base_url
from core.services.ratings.receipt_codes import (
    TILL_PATH,
    InvalidBatch,
    ReceiptRefused,
    code_row,
    normalise_code,
    refusal_for,
    spent_refusal,
    use_code,
)
from core.services.ratings.submission import (
    RatingInput,
    StoredRating,
    complete_verification,
    store_verified,
)


def serving_employee(branch_id: int | None, staff_no: str) -> Employee:
    """The active employee with this staff number at this branch (what a till knows)."""
    employee = None
    if branch_id is not None:
        employee = db.session.scalar(
            select(Employee).where(
                Employee.branch_id == branch_id,
                Employee.staff_no == staff_no,
                Employee.active.is_(True),
            )
        )
    if employee is None:
        raise InvalidBatch(_("No active employee has this staff number at this branch."))
    return employee


def till_url(employee: Employee, grouped_code: str) -> str:
    """The link a till QR carries: the employee's card URL with the bare code appended.

    All uppercase, like the card URL, so the QR code uses the compact alphanumeric mode.
    """
    return f"{card_url(employee)}{TILL_PATH}{normalise_code(grouped_code)}"


def scanned_code(typed: str, employee: Employee) -> int:
    """The id of a till QR's code that may verify a rating of this employee; ReceiptRefused.

    Only reads: the code is used when the rating is sent (submit_with_receipt).
    """
    row = code_row(typed)
    if (refusal := refusal_for(row, employee.id, employee.branch_id)) is not None:
        raise refusal
    return row.id


def scanned_receipt(typed: str) -> ReceiptCode:
    """The code of a printed receipt's QR (no card in its link), if it can still verify a
    rating; ReceiptRefused otherwise. Only reads."""
    row = code_row(typed)
    if (refusal := spent_refusal(row)) is not None:
        raise refusal
    return row


def held_receipt(code_id: int) -> ReceiptCode | None:
    """The code a scan kept, while it can still verify a rating."""
    row = db.session.get(ReceiptCode, code_id)
    return row if spent_refusal(row) is None else None


def who_may_have_served(row: ReceiptCode) -> list[Employee]:
    """The active people of the code's branch, by name (none for a code of no branch)."""
    if row.branch_id is None:
        return []
    query = (
        select(Employee)
        .join(Branch)
        .where(Employee.branch_id == row.branch_id, Employee.active.is_(True))
        .where(Branch.active.is_(True))
        .order_by(Employee.display_name)
    )
    return list(db.session.scalars(query))


def receipt_url(grouped_code: str) -> str:
    """The link of a printed receipt's QR without a serving employee: /R/<code>, uppercase."""
    base = qr_base_url(current_app.config["PUBLIC_BASE_URL"])
    return f"{base}{TILL_PATH}{normalise_code(grouped_code)}"


def held_code_refusal(code_id: int, employee: Employee) -> ReceiptRefused | None:
    """Why the code a scan kept cannot verify a rating of this employee now; None if it can."""
    return refusal_for(db.session.get(ReceiptCode, code_id), employee.id, employee.branch_id)


def submit_with_receipt(employee: Employee, data: RatingInput, code_id: int) -> StoredRating:
    """Store a rating and verify it at once with the code a till QR carried; commits.

    ReceiptRefused (nothing stored) when the code was used, expired or is bound elsewhere;
    AlreadyRated as for any verification. A repeated form returns the first rating.
    """

    def verify(rating: Rating) -> None:
        complete_verification(rating, use_code(ReceiptCode.id == code_id, rating), None)

    return store_verified(employee, data, verify)
