"""The employee's side of their ratings: read them, reply, dispute.

An employee never sees who rated them: only stars, comment and date are shown.
A dispute goes to the branch manager (admin feedback disputes), who upholds the
rating or hides it with the usual reversal of its points.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.database import begin_write
from core.extensions import db
from core.models import DisputeStatus, Employee, Rating, RatingStatus, utcnow
from core.services import DomainError
from core.services.audit import record_audit

REPLY_MAX = 1000


class RatingNotYours(DomainError):
    """The rating is not one of this employee's verified ratings."""


class DisputeNotAllowed(DomainError):
    """This rating was already disputed or decided."""


def ratings_received(employee_id: int, limit: int = 50, offset: int = 0) -> list[Rating]:
    """The employee's verified ratings, newest first, with their dimension stars."""
    return list(
        db.session.scalars(
            select(Rating)
            .options(selectinload(Rating.stars))
            .where(Rating.employee_id == employee_id, Rating.status == RatingStatus.VERIFIED)
            .order_by(Rating.created_at.desc(), Rating.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


def rating_received(employee_id: int, rating_id: int) -> Rating | None:
    """One of the employee's verified ratings (the one a failed reply was for)."""
    return db.session.scalar(
        select(Rating).where(
            Rating.id == rating_id,
            Rating.employee_id == employee_id,
            Rating.status == RatingStatus.VERIFIED,
        )
    )


def _own_rating(employee: Employee, rating_id: int) -> Rating:
    rating = db.session.scalar(
        select(Rating)
        .where(
            Rating.id == rating_id,
            Rating.employee_id == employee.id,
            Rating.status == RatingStatus.VERIFIED,
        )
        .with_for_update()
    )
    if rating is None:
        raise RatingNotYours(_l("This rating cannot be found on your page."))
    return rating


def reply_to_rating(employee: Employee, rating_id: int, text: str) -> Rating:
    """Write (or rewrite) the employee's answer to a rating; commits."""
    text = (text or "").strip()
    if not text or len(text) > REPLY_MAX:
        raise DomainError(_l("Write a reply of at most %(n)d characters.", n=REPLY_MAX))
    employee_id = employee.id
    begin_write()
    rating = _own_rating(db.session.get(Employee, employee_id), rating_id)
    before = {"reply": rating.reply}
    rating.reply = text
    rating.replied_at = utcnow()
    record_audit("rating.reply", "rating", rating.id, before, {"reply": text})
    db.session.commit()
    return rating


def dispute_rating(employee: Employee, rating_id: int, reason: str) -> Rating:
    """Ask the branch manager to review a rating the employee thinks is unfair; commits."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_l("Give a reason."))
    employee_id = employee.id
    begin_write()
    rating = _own_rating(db.session.get(Employee, employee_id), rating_id)
    if rating.dispute_status is not DisputeStatus.NONE:
        db.session.rollback()
        raise DisputeNotAllowed(_l("This rating has already been disputed."))
    rating.dispute_status = DisputeStatus.OPEN
    rating.dispute_reason = reason[:1000]
    record_audit(
        "rating.dispute",
        "rating",
        rating.id,
        {"dispute": "none"},
        {"dispute": "open", "reason": reason},
    )
    db.session.commit()
    return rating
