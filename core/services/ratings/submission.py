"""Customer ratings: store a pending rating, and verify it once.

Once-only rule: one verified customer (identity hash), one employee, one award period,
one RatingClaim row; its primary key is the guarantee under concurrent requests and
several processes. The Python check before the insert only gives a nicer message.
Verification happens in one transaction (the caller called begin_write()): the claim,
the rating's status, the ledger and aggregates (core.services.points.ledger), a follow-up task.
"""

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.database import begin_write, lock_key
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
from core.services.ratings.identity import keyed_hash
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
    """What the customer filled in, already checked for shape by the form.

    device: what tells this browser from others without a cookie of ours (the view joins
    address, user agent, the verified-device cookie and a held till code); device_bound
    when it holds one of those two, which only this browser can show.
    held_pending: the pending rating this browser's session holds, if any.
    """

    overall: int
    stars: dict[str, int] = field(default_factory=dict)
    comment: str = ""
    surprise: bool = False
    surprise_text: str = ""
    consent: bool = False
    locale: str = "en"
    client_hash: str = ""
    device: str = ""
    device_bound: bool = False
    held_pending: int | None = None


@dataclass(frozen=True)
class StoredRating:
    """A stored rating as the view needs it, read before the commit expires the row."""

    id: int
    status: RatingStatus

    @classmethod
    def of(cls, rating: Rating) -> "StoredRating":
        return cls(id=rating.id, status=rating.status)


def draft_key(employee_id: int, data: RatingInput) -> str:
    """Keyed digest of this device's draft for this employee: equal for a repeated POST."""
    draft = [
        data.device,
        employee_id,
        data.overall,
        sorted(data.stars.items()),
        data.comment,
        data.surprise,
        data.surprise_text if data.surprise else "",
        data.consent,
    ]
    return keyed_hash("draft", json.dumps(draft, ensure_ascii=False))


def _draft_columns(data: RatingInput) -> dict:
    """The columns a customer's draft fills (the rest are the rating's own)."""
    return {
        "overall": data.overall,
        "comment": data.comment,
        "surprise_status": SurpriseStatus.CLAIMED if data.surprise else SurpriseStatus.NONE,
        "surprise_text": data.surprise_text if data.surprise else "",
        "consent_contact": data.consent,
        "locale": data.locale,
    }


def _rating_row(employee: Employee, data: RatingInput, status: RatingStatus) -> dict:
    """The columns of a new rating (its stars are rows of their own)."""
    return {
        "employee_id": employee.id,
        "branch_id": employee.branch_id,
        "period_key": current_period_key(),
        "status": status,
        "submission_key": secrets.token_urlsafe(24),
        "draft_key": draft_key(employee.id, data),
        "client_hash": data.client_hash,
        **_draft_columns(data),
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
        _insert_stars(rating_id, stars)
    return rating_id


def _insert_stars(rating_id: int, stars: dict[str, int]) -> None:
    star_rows = [{"rating_id": rating_id, "dimension": k, "stars": v} for k, v in stars.items()]
    db.session.execute(insert(RatingStar.__table__), star_rows)


def _since(setting: str):
    return utcnow() - timedelta(seconds=current_app.config[setting])


def _repeated_draft(key: str, statuses: tuple[RatingStatus, ...]) -> Rating | None:
    """The rating a POST of the same draft from the same device stored moments ago.

    Moments: RATING_DOUBLE_TAP_SECONDS. Without a cookie of ours, "the same device" is an
    address and a browser, which two customers on one Wi-Fi may share; only a double tap
    (or a retried send) comes this soon, and a refresh or Back already carries the session.
    """
    return db.session.scalar(
        select(Rating)
        .where(
            Rating.draft_key == key,
            Rating.status.in_(statuses),
            Rating.created_at >= _since("RATING_DOUBLE_TAP_SECONDS"),
        )
        .order_by(Rating.id.desc())
        .limit(1)
    )


def _held_draft(employee_id: int, data: RatingInput) -> Rating | None:
    """The pending rating this browser's session holds for this employee, from moments ago:
    a POST after Back (perhaps corrected) updates it instead of making another."""
    if data.held_pending is None:
        return None
    rating = db.session.get(Rating, data.held_pending)
    if rating is None or rating.employee_id != employee_id:
        return None
    if rating.status is not RatingStatus.PENDING:
        return None
    return rating if rating.created_at >= _since("RATING_REPEAT_SECONDS") else None


def _update_draft(rating: Rating, data: RatingInput, key: str) -> None:
    """Write the draft again over the pending rating (the same, or corrected after Back)."""
    db.session.execute(
        update(Rating).where(Rating.id == rating.id).values(draft_key=key, **_draft_columns(data))
    )
    db.session.execute(delete(RatingStar).where(RatingStar.rating_id == rating.id))
    if data.stars:
        _insert_stars(rating.id, data.stars)


def _earlier_post(employee_id: int, data: RatingInput, key: str) -> Rating | None:
    """The rating an earlier POST of this draft stored, if any (inside the write lock).

    A verified one counts only for a device-bound draft: an address and a browser make
    no proof, and a stranger must never be thanked (and remembered) for another's rating.
    """
    held = _held_draft(employee_id, data)
    if held is not None:
        return held
    statuses = (RatingStatus.PENDING,)
    if data.device_bound:
        statuses = (RatingStatus.PENDING, RatingStatus.VERIFIED)
    return _repeated_draft(key, statuses)


def submit_rating(employee: Employee, data: RatingInput) -> StoredRating:
    """Store a pending rating (counted nowhere yet); commits.

    A second POST of the same draft from the same device updates the first rating
    instead: within RATING_REPEAT_SECONDS when the session holds it (refresh, Back, even
    corrected), within RATING_DOUBLE_TAP_SECONDS when it does not yet (a double tap, both
    sent at once). The draft's lock is taken before the lookup, so the two take turns.
    """
    # Read before begin_write(): its rollback expires the employee, which would cost a read.
    row = _rating_row(employee, data, RatingStatus.PENDING)
    begin_write()
    lock_key(row["draft_key"])
    earlier = _earlier_post(row["employee_id"], data, row["draft_key"])
    if earlier is None:
        rating_id = _insert_rating(row, data.stars)
        db.session.commit()
        return StoredRating(id=rating_id, status=RatingStatus.PENDING)
    stored = StoredRating.of(earlier)
    if earlier.status is RatingStatus.PENDING:
        _update_draft(earlier, data, row["draft_key"])
    db.session.commit()
    return stored


def store_verified(
    employee: Employee, data: RatingInput, verify: Callable[[Rating], None]
) -> StoredRating:
    """Store a rating and verify it at once with verify(rating), in one transaction; commits.

    verify() runs inside the write (it calls complete_verification); a DomainError from
    it leaves nothing stored. A second POST of the same draft from the same device
    returns the first rating, also when both arrive together (the draft's lock first).
    """
    key = draft_key(employee.id, data)
    begin_write()
    lock_key(key)
    earlier = _repeated_draft(key, (RatingStatus.PENDING, RatingStatus.VERIFIED))
    if earlier is not None:
        return StoredRating.of(earlier)
    rating = _new_rating(employee, data, RatingStatus.PENDING)
    db.session.add(rating)
    db.session.flush()
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
