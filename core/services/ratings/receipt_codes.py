"""Receipt codes: single-use codes printed on a receipt or handed out at the till.

A code is 10 characters from a 32-letter alphabet without look-alikes (no 0/O, 1/I),
so 50 random bits, shown grouped as XXXX-XXXX-XX. Only a keyed hash is stored. A code
may be bound to a branch and to the employee who served, expires, and verifies exactly
one rating: a conditional UPDATE marks it used, so two requests with the same code
cannot both succeed. A till may show or print it as a QR code (till_codes.py).
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
from core.models import Branch, Employee, Rating, ReceiptCode, User, utcnow
from core.services import DomainError
from core.services.audit import record_audit
from core.services.ratings.identity import identity_hash
from core.services.ratings.submission import (
    complete_verification,
    locked_pending_rating,
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


def receipt_code_hash(bare: str) -> str:
    """The stored form of a receipt code: keyed, so a database copy cannot be replayed."""
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
    audited: bool = False,
    actor: User | None = None,
) -> tuple[list[str], datetime]:
    """Create `count` codes, optionally bound to a branch and to the employee who served;
    commits. Returns them grouped, and when they expire.

    `audited`: a person asked for a batch (admin page, CLI), so the audit log gets the
    count, branch and employee, never the codes; a till's API calls are not audited.
    """
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
            code_hash=receipt_code_hash(code), branch_id=branch_id, employee_id=employee_id,
            expires_at=expires_at,
        )
        for code in codes
    )  # fmt: skip
    if audited:
        after = {"count": count, "employee_id": employee_id, "expires_at": expires_at}
        record_audit("receipt_codes.mint", "branch", branch_id, after=after, user=actor)
    db.session.commit()
    return [format_code(code) for code in codes], expires_at


def _usable_for(employee_id: int, branch_id: int, now: datetime) -> list:
    """Where-clauses of a code that may verify a rating of this employee now."""
    return [
        ReceiptCode.used_at.is_(None),
        ReceiptCode.expires_at > now,
        or_(ReceiptCode.branch_id.is_(None), ReceiptCode.branch_id == branch_id),
        or_(ReceiptCode.employee_id.is_(None), ReceiptCode.employee_id == employee_id),
    ]


def spent_refusal(row: ReceiptCode | None) -> ReceiptRefused | None:
    """Why this code can verify nothing at all any more (unknown, used, expired); or None."""
    if row is None:
        return UnknownReceiptCode(_("We do not know this receipt code. Please check it."))
    if row.used_at is not None:
        return ReceiptSpent(_("This receipt code has already been used."))
    if row.expires_at <= utcnow():
        return ReceiptSpent(_("This receipt code has expired."))
    return None


def refusal_for(row: ReceiptCode | None, employee_id: int, branch_id: int) -> ReceiptRefused | None:
    """Why this code cannot verify a rating of this employee, in words; None when it can."""
    if (spent := spent_refusal(row)) is not None:
        return spent
    if row.branch_id is not None and row.branch_id != branch_id:
        return ReceiptRefused(_("This receipt code is for another branch."))
    if row.employee_id is not None and row.employee_id != employee_id:
        return ReceiptRefused(_("This receipt code is for another member of staff."))
    return None


def _customer(code_hash: str) -> str:
    """The identity hash of the customer who holds this code (one code, one customer)."""
    return identity_hash("receipt", code_hash)


def use_code(which, rating: Rating) -> str:
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
        raise refusal_for(row, rating.employee_id, rating.branch_id) or ReceiptSpent(
            _("This receipt code has already been used.")
        )
    return _customer(row.code_hash)


def redeem(typed: str, rating: Rating) -> str:
    """Mark the typed code used by this rating (no commit); its identity hash, or ReceiptRefused."""
    bare = normalise_code(typed)
    if bare is None:
        raise UnknownReceiptCode(_("A receipt code has 10 letters and digits, like ABCD-EFGH-JK."))
    return use_code(ReceiptCode.code_hash == receipt_code_hash(bare), rating)


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


def code_row(typed: str) -> ReceiptCode | None:
    """The stored code a customer typed or scanned, if there is one."""
    bare = normalise_code(typed)
    if bare is None:
        return None
    return db.session.scalar(
        select(ReceiptCode).where(ReceiptCode.code_hash == receipt_code_hash(bare))
    )


DEMO_RECEIPT_CODES = 5


def seed_demo_receipt_codes(notes: list[str]) -> None:
    """Demo step: a few receipt codes, so a rating can be verified without mail or SMS."""
    codes, _expires_at = mint_receipt_codes(DEMO_RECEIPT_CODES)
    notes.append("Receipt codes for verifying a demo rating: " + ", ".join(codes))
