"""Receipt codes: single-use codes printed on a receipt or handed out at the till.

A code is 10 characters from a 32-letter alphabet without look-alikes (no 0/O, 1/I),
so 50 random bits, shown grouped as XXXX-XXXX-XX. Only a keyed hash is stored. A code
may be bound to a branch and to the employee who served, expires, and verifies exactly
one rating: a conditional UPDATE marks it used, so two requests with the same code
cannot both succeed. A till may print it as a QR code (portal/till.py): the link to
the serving employee's card carries the code, and the rating is verified when sent.
"""

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from core.database import begin_write
from core.extensions import db
from core.models import Branch, Employee, Rating, ReceiptCode, utcnow
from core.services import DomainError
from core.services.people.cards import card_url, qr_base_url
from core.services.ratings.identity import identity_hash
from core.services.ratings.submission import (
    RatingInput,
    StoredRating,
    complete_verification,
    locked_pending_rating,
    store_verified,
)

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10
GROUPS = (4, 4, 2)
MAX_BATCH = 10_000
SEPARATORS = re.compile(r"[\s\-_.]")
# After the card URL (/C/<token>/R/<code>), or alone for a receipt printed without a
# serving employee (/R/<code>); portal/till.py strips it again by a redirect.
TILL_PATH = "/R/"


class ReceiptRefused(DomainError):
    """The receipt code cannot verify this rating (message says why)."""


class UnknownReceiptCode(ReceiptRefused):
    """No such code: a typo or a guess (these count towards the global throttle)."""


class ReceiptSpent(ReceiptRefused):
    """The code was used or has expired: it will never verify anything again."""


class InvalidBatch(DomainError):
    """The batch size or branch is not acceptable."""


def format_code(raw: str) -> str:
    """Group a bare code for printing: XXXX-XXXX-XX."""
    parts, start = [], 0
    for size in GROUPS:
        parts.append(raw[start : start + size])
        start += size
    return "-".join(parts)


def normalise_code(typed: str) -> str | None:
    """The bare uppercase code, or None when it cannot be one of ours."""
    bare = SEPARATORS.sub("", (typed or "").upper())
    if len(bare) != CODE_LENGTH or any(char not in ALPHABET for char in bare):
        return None
    return bare


def _hash(bare: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, f"receipt:{bare}".encode(), hashlib.sha256).hexdigest()


def new_code() -> str:
    """A fresh random bare code (50 bits)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def _batch_branch(branch_id: int | None, employee: Employee | None) -> int | None:
    """The branch a batch is bound to: the given one, else the serving employee's."""
    if branch_id is not None and db.session.get(Branch, branch_id) is None:
        raise InvalidBatch(_("This branch does not exist."))
    if employee is None:
        return branch_id
    if branch_id is not None and branch_id != employee.branch_id:
        raise InvalidBatch(_("This employee works at another branch."))
    return employee.branch_id


def mint_receipt_codes(
    count: int,
    branch_id: int | None = None,
    valid_days: int | None = None,
    employee: Employee | None = None,
) -> tuple[list[str], datetime]:
    """Create `count` codes, optionally bound to a branch and to the employee who served;
    commits. Returns them grouped, and when they expire."""
    if not 1 <= count <= MAX_BATCH:
        raise InvalidBatch(_("Ask for between 1 and %(max)d codes.", max=MAX_BATCH))
    days = valid_days or current_app.config["RECEIPT_CODE_DAYS"]
    employee_id = employee.id if employee is not None else None
    begin_write()
    branch_id = _batch_branch(branch_id, employee)
    expires_at = utcnow() + timedelta(days=days)
    codes = [new_code() for _ in range(count)]
    db.session.add_all(
        ReceiptCode(
            code_hash=_hash(code), branch_id=branch_id, employee_id=employee_id,
            expires_at=expires_at,
        )
        for code in codes
    )  # fmt: skip
    db.session.commit()
    return [format_code(code) for code in codes], expires_at


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


def _usable_for(employee_id: int, branch_id: int, now: datetime) -> list:
    """Where-clauses of a code that may verify a rating of this employee now."""
    return [
        ReceiptCode.used_at.is_(None),
        ReceiptCode.expires_at > now,
        or_(ReceiptCode.branch_id.is_(None), ReceiptCode.branch_id == branch_id),
        or_(ReceiptCode.employee_id.is_(None), ReceiptCode.employee_id == employee_id),
    ]


def _spent(row: ReceiptCode | None) -> ReceiptRefused | None:
    """Why this code can verify nothing at all any more (unknown, used, expired); or None."""
    if row is None:
        return UnknownReceiptCode(_("We do not know this receipt code. Please check it."))
    if row.used_at is not None:
        return ReceiptSpent(_("This receipt code has already been used."))
    if row.expires_at <= utcnow():
        return ReceiptSpent(_("This receipt code has expired."))
    return None


def _refusal(row: ReceiptCode | None, employee_id: int, branch_id: int) -> ReceiptRefused | None:
    """Why this code cannot verify a rating of this employee, in words; None when it can."""
    if (spent := _spent(row)) is not None:
        return spent
    if row.branch_id is not None and row.branch_id != branch_id:
        return ReceiptRefused(_("This receipt code is for another branch."))
    if row.employee_id is not None and row.employee_id != employee_id:
        return ReceiptRefused(_("This receipt code is for another member of staff."))
    return None


def _customer(code_hash: str) -> str:
    """The identity hash of the customer who holds this code (one code, one customer)."""
    return identity_hash("receipt", code_hash)


def _use(which, rating: Rating) -> str:
    """Mark the code `which` selects used by this rating (no commit); its customer hash.

    One conditional UPDATE, so two requests with the same code cannot both succeed.
    """
    now = utcnow()
    result = db.session.execute(
        update(ReceiptCode)
        .where(which, *_usable_for(rating.employee_id, rating.branch_id, now))
        .values(used_at=now, rating_id=rating.id)
    )
    row = db.session.scalar(select(ReceiptCode).where(which))
    if result.rowcount != 1:
        raise _refusal(row, rating.employee_id, rating.branch_id) or ReceiptSpent(
            _("This receipt code has already been used.")
        )
    return _customer(row.code_hash)


def redeem(typed: str, rating: Rating) -> str:
    """Mark the typed code used by this rating (no commit); its identity hash, or ReceiptRefused."""
    bare = normalise_code(typed)
    if bare is None:
        raise UnknownReceiptCode(_("A receipt code has 10 letters and digits, like ABCD-EFGH-JK."))
    return _use(ReceiptCode.code_hash == _hash(bare), rating)


def verify_with_receipt(rating_id: int, typed: str) -> Rating:
    """Verify and count the pending rating with a receipt code; commits (or changes nothing)."""
    begin_write()
    try:
        rating = locked_pending_rating(rating_id)
        customer = redeem(typed, rating)
        complete_verification(rating, customer, None)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return rating


def _row_of(typed: str) -> ReceiptCode | None:
    bare = normalise_code(typed)
    if bare is None:
        return None
    return db.session.scalar(select(ReceiptCode).where(ReceiptCode.code_hash == _hash(bare)))


def scanned_code(typed: str, employee: Employee) -> int:
    """The id of a till QR's code that may verify a rating of this employee; ReceiptRefused.

    Only reads: the code is used when the rating is sent (submit_with_receipt).
    """
    row = _row_of(typed)
    if (refusal := _refusal(row, employee.id, employee.branch_id)) is not None:
        raise refusal
    return row.id


def scanned_receipt(typed: str) -> ReceiptCode:
    """The code of a printed receipt's QR (no card in its link), if it can still verify a
    rating; ReceiptRefused otherwise. Only reads."""
    row = _row_of(typed)
    if (refusal := _spent(row)) is not None:
        raise refusal
    return row


def held_receipt(code_id: int) -> ReceiptCode | None:
    """The code a scan kept, while it can still verify a rating."""
    row = db.session.get(ReceiptCode, code_id)
    return row if _spent(row) is None else None


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
    return _refusal(db.session.get(ReceiptCode, code_id), employee.id, employee.branch_id)


def submit_with_receipt(employee: Employee, data: RatingInput, code_id: int) -> StoredRating:
    """Store a rating and verify it at once with the code a till QR carried; commits.

    ReceiptRefused (nothing stored) when the code was used, expired or is bound elsewhere;
    AlreadyRated as for any verification. A repeated form returns the first rating.
    """

    def verify(rating: Rating) -> None:
        complete_verification(rating, _use(ReceiptCode.id == code_id, rating), None)

    return store_verified(employee, data, verify)


DEMO_RECEIPT_CODES = 5


def seed_demo_receipt_codes(notes: list[str]) -> None:
    """Demo step: a few receipt codes, so a rating can be verified without mail or SMS."""
    codes, _expires_at = mint_receipt_codes(DEMO_RECEIPT_CODES)
    notes.append("Receipt codes for verifying a demo rating: " + ", ".join(codes))
