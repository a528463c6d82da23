"""Customer ratings: store a pending rating, and verify it once.

Once-only rule: one verified customer (identity hash), one employee, one award period,
one RatingClaim row; its primary key is the guarantee under concurrent requests and
several processes. The Python check before the insert only gives a nicer message.
Verification happens in one transaction (the caller called begin_write()): the claim,
the rating's status, the ledger and aggregates (core.services.points.ledger), a follow-up task.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from core.database import begin_write
from core.extensions import db
from core.models import (
    Employee,
    EmployeeIdentity,
    FollowUpTask,
    Rating,
    RatingClaim,
    RatingStar,
    RatingStatus,
    SurpriseStatus,
    utcnow,
)
from core.services import DomainError
from core.services.periods import current_period_key
from core.services.points.ledger import count_verified_rating
from core.services.settings import current_settings, settings_at

FOLLOWUP_MAX_OVERALL = 2
ALREADY_RATED = {
    "month": _l("You have already rated %(name)s this month. Thank you!"),
    "quarter": _l("You have already rated %(name)s this quarter. Thank you!"),
    "year": _l("You have already rated %(name)s this year. Thank you!"),
    "week": _l("You have already rated %(name)s this week. Thank you!"),
}
STAFF_CONTACT_REFUSAL = _l(
    "This email address or phone number is registered to a member of staff, and staff "
    "cannot rate employees as customers. Thank you for understanding."
)


class AlreadyRated(DomainError):
    """This customer already rated this employee in this period."""

    def __init__(self, employee: Employee):
        kind = current_settings().period_kind
        template = ALREADY_RATED.get(kind, ALREADY_RATED["month"])
        super().__init__(str(template) % {"name": employee.display_name})
        self.employee_id = employee.id


class SelfRating(DomainError):
    """The contact belongs to an employee: staff do not rate employees as customers."""


class RatingClosed(DomainError):
    """The pending rating is gone: verified, expired or hidden."""


@dataclass(frozen=True)
class RatingInput:
    """What the customer filled in, already checked for shape by the form."""

    overall: int
    submission_key: str
    stars: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    surprise: bool = False
    surprise_text: str = ""
    consent: bool = False
    locale: str = "en"
    client_hash: str = ""


@dataclass(frozen=True)
class StoredRating:
    """A stored rating as the view needs it, read before the commit expires the row."""

    id: int
    status: RatingStatus

    @classmethod
    def of(cls, rating: Rating) -> "StoredRating":
        return cls(id=rating.id, status=rating.status)


def _rating_row(employee: Employee, data: RatingInput, status: RatingStatus) -> dict:
    """The columns of a new rating (its stars are rows of their own)."""
    return {
        "employee_id": employee.id,
        "branch_id": employee.branch_id,
        "period_key": current_period_key(),
        "status": status,
        "submission_key": data.submission_key,
        "overall": data.overall,
        "comment": data.comment,
        "surprise_status": SurpriseStatus.CLAIMED if data.surprise else SurpriseStatus.NONE,
        "surprise_text": data.surprise_text if data.surprise else "",
        "consent_contact": data.consent,
        "locale": data.locale,
        "client_hash": data.client_hash,
    }


def _new_rating(employee: Employee, data: RatingInput, status: RatingStatus) -> Rating:
    """A new rating with its stars, not yet added to the session."""
    rating = Rating(**_rating_row(employee, data, status))
    rating.stars = [RatingStar(dimension=k, stars=v) for k, v in data.stars.items()]
    return rating


def _insert_rating(row: dict, stars: dict[str, int]) -> int:
    """INSERT a rating and its stars without the unit of work; returns the rating's id.

    The busiest write of the site: the ORM flush of a new Rating (with its many
    relationships) cost more than the rest of the request.
    """
    rating_id = db.session.execute(insert(Rating.__table__).values(row)).inserted_primary_key[0]
    if stars:
        star_rows = [{"rating_id": rating_id, "dimension": k, "stars": v} for k, v in stars.items()]
        db.session.execute(insert(RatingStar.__table__), star_rows)
    return rating_id


def rating_by_submission_key(key: str) -> Rating | None:
    """The rating a form with this one-time key already created, if any."""
    return db.session.scalar(select(Rating).where(Rating.submission_key == key))


def _repeated_form(submission_key: str, error: IntegrityError) -> Rating:
    """The rating an earlier POST of this form stored, after our insert lost to it (and
    was rolled back); when no rating has the key, another constraint failed: the error."""
    existing = rating_by_submission_key(submission_key)
    if existing is None:
        raise error
    return existing


def submit_rating(employee: Employee, data: RatingInput) -> StoredRating:
    """Store a pending rating (counted nowhere yet); commits.

    A second POST of the same form (refresh, Back, double tap) returns the first rating:
    the submission key is unique in the database, so the insert itself detects it.
    """
    # Read before begin_write(): its rollback expires the employee, which would cost a read.
    row = _rating_row(employee, data, RatingStatus.PENDING)
    begin_write()
    try:
        rating_id = _insert_rating(row, data.stars)
    except IntegrityError as error:
        db.session.rollback()
        return StoredRating.of(_repeated_form(data.submission_key, error))
    db.session.commit()
    return StoredRating(id=rating_id, status=RatingStatus.PENDING)


def store_verified(
    employee: Employee, data: RatingInput, verify: Callable[[Rating], None]
) -> StoredRating:
    """Store a rating and verify it at once with verify(rating), in one transaction; commits.

    verify() runs inside the write (it calls complete_verification); a DomainError from
    it leaves nothing stored. A second POST of the same form returns the first rating,
    also when both arrive together: on PostgreSQL the later insert waits for the first
    transaction and then fails on the unique submission key, which means "stored already".
    """
    begin_write()
    existing = rating_by_submission_key(data.submission_key)
    if existing is not None:
        return StoredRating.of(existing)
    rating = _new_rating(employee, data, RatingStatus.PENDING)
    db.session.add(rating)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        return StoredRating.of(_repeated_form(data.submission_key, error))
    try:
        verify(rating)
    except DomainError:
        db.session.rollback()
        raise
    stored = StoredRating.of(rating)
    db.session.commit()
    return stored


def submit_remembered(employee: Employee, data: RatingInput, customer_hash: str) -> StoredRating:
    """Store and verify at once for a device already verified this period; commits.

    AlreadyRated (nothing stored) when this customer already rated the employee.
    """

    def verify(rating: Rating) -> None:
        complete_verification(rating, customer_hash, _known_contact(customer_hash))

    return store_verified(employee, data, verify)


def _known_contact(customer_hash: str) -> str | None:
    """The contact this customer left with an earlier consent, if still kept."""
    return db.session.scalar(
        select(Rating.contact)
        .where(Rating.customer_hash == customer_hash, Rating.contact.is_not(None))
        .order_by(Rating.id.desc())
        .limit(1)
    )


def check_can_rate(employee: Employee, customer_hash: str) -> None:
    """SelfRating or AlreadyRated when this customer may not rate the employee now.

    A contact of any employee never rates as a customer (one lookup on the unique index);
    the refusal reads the same whichever employee's contact it is.
    """
    staff = db.session.scalar(
        select(EmployeeIdentity.employee_id).where(EmployeeIdentity.identity_hash == customer_hash)
    )
    if staff is not None:
        raise SelfRating(STAFF_CONTACT_REFUSAL)
    if rated_already(employee, customer_hash):
        raise AlreadyRated(employee)


def rated_already(employee: Employee, customer_hash: str) -> bool:
    """Whether this customer has rated this employee in the current period (one lookup)."""
    claim = db.session.get(RatingClaim, (customer_hash, employee.id, current_period_key()))
    return claim is not None


def _pending_age_limit() -> timedelta:
    return timedelta(hours=current_app.config["PENDING_RATING_HOURS"])


def _check_pending(rating: Rating | None) -> Rating:
    if rating is None or rating.status is not RatingStatus.PENDING:
        raise RatingClosed(_l("This rating is no longer waiting for a code. Please rate again."))
    if utcnow() - rating.created_at > _pending_age_limit():
        raise RatingClosed(_l("This rating has expired. Please rate again."))
    return rating


def pending_rating(rating_id: int | None) -> Rating:
    """The rating if it still waits for verification; RatingClosed otherwise."""
    return _check_pending(db.session.get(Rating, rating_id) if rating_id else None)


def locked_pending_rating(rating_id: int) -> Rating:
    """pending_rating, re-read under a row lock (PostgreSQL) inside a write transaction."""
    statement = select(Rating).where(Rating.id == rating_id).with_for_update()
    return _check_pending(
        db.session.scalars(statement.execution_options(populate_existing=True)).first()
    )


def complete_verification(rating: Rating, customer_hash: str, contact: str | None) -> None:
    """Verify and count a pending rating inside the caller's write transaction (no commit).

    Raises SelfRating, or AlreadyRated after the claim insert lost (the savepoint is
    rolled back; the rating stays pending).
    """
    employee = db.session.get(Employee, rating.employee_id)
    check_can_rate(employee, customer_hash)
    now = utcnow()
    period = current_period_key(now)
    db.session.flush()
    try:
        with db.session.begin_nested():
            db.session.add(
                RatingClaim(
                    customer_hash=customer_hash,
                    employee_id=rating.employee_id,
                    period_key=period,
                    rating_id=rating.id,
                )
            )
    except IntegrityError as error:
        raise AlreadyRated(employee) from error
    rating.period_key = period
    rating.status = RatingStatus.VERIFIED
    rating.verified_at = now
    rating.customer_hash = customer_hash
    rating.contact = contact if rating.consent_contact else None
    count_verified_rating(rating)
    if rating.consent_contact and rating.overall <= FOLLOWUP_MAX_OVERALL:
        _open_follow_up(rating, now)


def _open_follow_up(rating: Rating, now) -> None:
    settings = settings_at(now)
    db.session.add(
        FollowUpTask(
            rating_id=rating.id,
            branch_id=rating.branch_id,
            contact_due_at=now + timedelta(hours=settings.followup_contact_hours),
            resolve_due_at=now + timedelta(days=settings.followup_resolve_days),
        )
    )


def expire_pending(now=None) -> int:
    """Mark ratings pending for longer than PENDING_RATING_HOURS as expired; commits."""
    cutoff = (now or utcnow()) - _pending_age_limit()
    begin_write()
    result = db.session.execute(
        update(Rating)
        .where(Rating.status == RatingStatus.PENDING, Rating.created_at < cutoff)
        .values(status=RatingStatus.EXPIRED, contact=None)
    )
    db.session.commit()
    return result.rowcount
