"""The points ledger: append-only entries, a balance kept beside them, and rating upkeep.

Every function here adds to the caller's transaction and never commits: the caller (a
verification, a moderation or a redemption service) commits once, after
core.database.begin_write(). Rules:

- A balance is the sum of the employee's entries; EmployeeBalance is that sum kept in
  the same transaction, and `flask scores verify` checks it.
- One source awards at most once: (kind, source_key) is unique in the database. Source
  keys: "rating:<id>" (EARNED, and its REVERSAL), "surprise:<id>" (BONUS, and its
  REVERSAL), "adjustment:<uuid>", "place:<grant id>" (PLACE, a winner's place reward, and
  its REVERSAL), and the caller's key for spends ("redemption:<id>").
- A balance never goes below zero (a CHECK constraint backs the conditional UPDATEs).
  Hence a reversal takes at most the current balance: when the employee already spent
  the points, the reversal entry is smaller than the original and its reason records
  the shortfall. Nothing is ever edited or deleted.
"""

import uuid

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import (
    Employee,
    EmployeeBalance,
    EntryKind,
    PointsEntry,
    Rating,
    RatingStatus,
    SurpriseStatus,
    User,
    utcnow,
)
from core.services import DomainError
from core.services.audit import record_audit
from core.services.points.rules import current_points_rules, current_weights
from core.services.ratings.aggregates import apply_rating, increment_row, rating_stars
from scoring.points import points_for_rating
from scoring.scores import rating_score

REASON_MAX = 500
# Far above any real reward; keeps a typo from overflowing a 32-bit integer column.
AMOUNT_MAX = 1_000_000


class InsufficientPoints(DomainError):
    """The balance does not cover the points asked for."""


class AlreadyRecorded(DomainError):
    """This source has already been credited or debited (unique kind + source key)."""


class RatingNotCountable(DomainError):
    """The rating is not in a state this action applies to."""


class SurpriseNotClaimed(DomainError):
    """Only a verified rating with a claimed, undecided surprise can be confirmed or rejected."""


class InvalidAdjustment(DomainError):
    """An adjustment needs a non-zero whole amount and a reason."""


def _whole(amount) -> bool:
    """A whole number of points within AMOUNT_MAX either way."""
    return isinstance(amount, int) and not isinstance(amount, bool) and abs(amount) <= AMOUNT_MAX


def _actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


def _decrement_balance(employee_id: int, amount: int) -> bool:
    """Take `amount` (>= 0) when the balance covers it, in one conditional UPDATE."""
    if amount == 0:
        return True
    result = db.session.execute(
        update(EmployeeBalance)
        .where(EmployeeBalance.employee_id == employee_id, EmployeeBalance.balance >= amount)
        .values(balance=EmployeeBalance.balance - amount)
    )
    return result.rowcount == 1


def _append(
    employee_id: int,
    amount: int,
    kind: EntryKind,
    source_key: str,
    actor: User | None = None,
    reason: str = "",
) -> PointsEntry:
    """Append one entry and move the balance with it, inside a savepoint.

    AlreadyRecorded when (kind, source_key) exists; InsufficientPoints when a negative
    amount exceeds the balance. Either way the savepoint is rolled back, so the caller's
    transaction is left as it was.
    """
    entry = PointsEntry(
        employee_id=employee_id,
        amount=amount,
        kind=kind,
        source_key=source_key,
        actor_id=_actor_id(actor),
        reason=reason[:REASON_MAX],
    )
    # Flush the caller's pending rows first, so their errors surface as their own.
    db.session.flush()
    try:
        with db.session.begin_nested():
            if amount < 0 and not _decrement_balance(employee_id, -amount):
                raise InsufficientPoints(_l("Not enough points: the balance does not cover this."))
            if amount > 0:
                increment_row(EmployeeBalance, {"employee_id": employee_id}, {"balance": amount})
            db.session.add(entry)
            db.session.flush()
    except IntegrityError as error:
        if not _recorded(kind, source_key):
            raise  # another constraint (a missing employee, say): not a repeat
        raise AlreadyRecorded(_l("These points have already been recorded.")) from error
    return entry


def _recorded(kind: EntryKind, source_key: str) -> bool:
    statement = select(PointsEntry.id).where(
        PointsEntry.kind == kind, PointsEntry.source_key == source_key
    )
    return db.session.scalar(statement) is not None


def count_verified_rating(rating: Rating) -> PointsEntry:
    """Count a just-verified rating: fix its score, add it to the aggregates, credit points.

    The score uses the weights in force, the points the rules in force. A second call
    for the same rating raises AlreadyRecorded (the unique key on "rating:<id>").
    """
    if rating.status is not RatingStatus.VERIFIED:
        raise RatingNotCountable(_l("Only a verified rating counts."))
    if rating.id is None:
        db.session.flush()
    points = points_for_rating(rating.overall, current_points_rules())
    entry = _append(rating.employee_id, points, EntryKind.EARNED, f"rating:{rating.id}")
    rating.score = rating_score(rating_stars(rating), current_weights())
    apply_rating(rating, +1)
    return entry


def _locked_rating(rating: Rating) -> Rating:
    """Reload the rating with a row lock (PostgreSQL), so two moderators cannot both act."""
    statement = select(Rating).where(Rating.id == rating.id).with_for_update()
    return db.session.scalars(statement.execution_options(populate_existing=True)).one()


def _locked_balance(employee_id: int) -> int:
    statement = (
        select(EmployeeBalance.balance)
        .where(EmployeeBalance.employee_id == employee_id)
        .with_for_update()
    )
    return db.session.scalar(statement) or 0


def _reverse_entries(rating: Rating, actor: User | None, reason: str) -> list[PointsEntry]:
    """Append a REVERSAL for each credit of the rating, taking at most the balance."""
    credits = db.session.scalars(
        select(PointsEntry)
        .where(
            PointsEntry.source_key.in_([f"rating:{rating.id}", f"surprise:{rating.id}"]),
            PointsEntry.kind.in_([EntryKind.EARNED, EntryKind.BONUS]),
        )
        .order_by(PointsEntry.id)
    ).all()
    return [
        append_capped(
            rating.employee_id, -credit.amount, EntryKind.REVERSAL, credit.source_key, actor, reason
        )
        for credit in credits
    ]


def append_capped(
    employee_id: int,
    amount: int,
    kind: EntryKind,
    source_key: str,
    actor: User | None,
    reason: str,
) -> PointsEntry:
    """Append `amount`; a negative one takes at most the current balance, and its reason
    records the shortfall (the points were already spent). For reversals and corrections."""
    if amount < 0:
        taken = min(-amount, _locked_balance(employee_id))
        if taken < -amount:
            reason = f"{reason} [shortfall {-amount - taken}: points already spent]"
        amount = -taken
    return _append(employee_id, amount, kind, source_key, actor, reason)


def reverse_rating(rating: Rating, actor: User | None, reason: str) -> list[PointsEntry]:
    """Hide a rating in moderation: uncount it and append reversals of its points.

    A verified rating leaves the aggregates and its earned and bonus points are reversed
    (at most the current balance, see the module docstring). A pending or expired rating
    is only hidden. RatingNotCountable when it is already hidden.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidAdjustment(_l("Give a reason."))
    rating = _locked_rating(rating)
    if rating.status is RatingStatus.HIDDEN:
        raise RatingNotCountable(_l("This rating is already hidden."))
    was_counted = rating.status is RatingStatus.VERIFIED
    before = {"status": rating.status}
    rating.status = RatingStatus.HIDDEN
    rating.hidden_at = utcnow()
    rating.hidden_by_id = _actor_id(actor)
    rating.hidden_reason = reason[:REASON_MAX]
    reversals = []
    if was_counted:
        reversals = _reverse_entries(rating, actor, reason)
        apply_rating(rating, -1)
    after = {"status": rating.status, "reversed": sum(-e.amount for e in reversals)}
    record_audit("rating.hide", "rating", rating.id, before, after, user=actor)
    return reversals


def _claimed_surprise(rating: Rating) -> Rating:
    rating = _locked_rating(rating)
    if (
        rating.status is not RatingStatus.VERIFIED
        or rating.surprise_status is not SurpriseStatus.CLAIMED
    ):
        raise SurpriseNotClaimed(_l("There is no open surprise-service claim on this rating."))
    return rating


class SurpriseCapReached(DomainError):
    """The employee already has the most surprise bonuses a period allows."""


def _confirmed_surprises(employee_id: int, period_key: str) -> int:
    """Confirmed surprise claims of the employee in the period, counted under a lock on the
    employee, so that two managers confirming at once cannot both pass the cap."""
    db.session.get(Employee, employee_id, with_for_update=True)
    return db.session.scalar(
        select(func.count())
        .select_from(Rating)
        .where(
            Rating.employee_id == employee_id,
            Rating.period_key == period_key,
            Rating.surprise_status == SurpriseStatus.CONFIRMED,
        )
    )


def award_surprise_bonus(rating: Rating, actor: User | None) -> PointsEntry:
    """Confirm a claimed surprise service: credit the bonus in force ("surprise:<id>"),
    within the cap of bonuses per employee and period (SurpriseCapReached)."""
    rating = _claimed_surprise(rating)
    rules = current_points_rules()
    cap = rules.surprise_cap
    if cap is not None and _confirmed_surprises(rating.employee_id, rating.period_key) >= cap:
        raise SurpriseCapReached(
            _l(
                "%(name)s already has %(cap)d surprise bonuses this period, the most allowed. "
                "Reject this claim or raise the cap in the points rules.",
                name=rating.employee.display_name,
                cap=cap,
            )
        )
    bonus = rules.surprise_bonus
    entry = _append(rating.employee_id, bonus, EntryKind.BONUS, f"surprise:{rating.id}", actor, "")
    rating.surprise_status = SurpriseStatus.CONFIRMED
    record_audit(
        "surprise.confirm", "rating", rating.id, {"surprise": "claimed"},
        {"surprise": "confirmed", "bonus": bonus}, user=actor,
    )  # fmt: skip
    return entry


def reject_surprise(rating: Rating, actor: User | None) -> None:
    """Turn down a claimed surprise service: no bonus."""
    rating = _claimed_surprise(rating)
    rating.surprise_status = SurpriseStatus.REJECTED
    record_audit(
        "surprise.reject", "rating", rating.id, {"surprise": "claimed"},
        {"surprise": "rejected"}, user=actor,
    )  # fmt: skip


def adjust_points(employee: Employee, amount: int, actor: User | None, reason: str) -> PointsEntry:
    """An admin's manual correction; a negative amount may not overdraw the balance."""
    reason = (reason or "").strip()
    if not _whole(amount) or amount == 0:
        raise InvalidAdjustment(_l("The amount must be a whole number other than zero."))
    if not reason:
        raise InvalidAdjustment(_l("Give a reason."))
    entry = _append(
        employee.id, amount, EntryKind.ADJUSTMENT, f"adjustment:{uuid.uuid4().hex}", actor, reason
    )
    record_audit(
        "points.adjust", "employee", employee.id, None,
        {"amount": amount, "reason": reason}, user=actor,
    )  # fmt: skip
    return entry


def credit_place_reward(
    employee_id: int, amount: int, grant_id: int, actor: User | None
) -> PointsEntry:
    """Credit a winner's place reward ("place:<grant id>"); AlreadyRecorded on a repeat.
    Its purpose is read from the grant (ledger_lines), so no reason is stored."""
    if not _whole(amount) or amount <= 0:
        raise InvalidAdjustment(_l("The amount must be a whole number above zero."))
    return _append(employee_id, amount, EntryKind.PLACE, f"place:{grant_id}", actor)


def spend_points(
    employee_id: int, amount: int, source_key: str, actor: User | None, reason: str = ""
) -> PointsEntry:
    """Take `amount` points for `source_key` (e.g. "redemption:4"), atomically.

    One conditional UPDATE (balance >= amount) decides: two spends at the same moment
    that together exceed the balance cannot both pass. InsufficientPoints otherwise,
    AlreadyRecorded when this source was already spent.
    """
    if not _whole(amount) or amount <= 0:
        raise InvalidAdjustment(_l("The amount must be a whole number above zero."))
    return _append(employee_id, -amount, EntryKind.REDEEMED, source_key, actor, reason)


def balance_of(employee_id: int) -> int:
    """The employee's current balance (0 before the first entry)."""
    return (
        db.session.scalar(
            select(EmployeeBalance.balance).where(EmployeeBalance.employee_id == employee_id)
        )
        or 0
    )


def ledger_for(employee_id: int, limit: int = 50, offset: int = 0) -> list[PointsEntry]:
    """The employee's entries, newest first."""
    return list(
        db.session.scalars(
            select(PointsEntry)
            .where(PointsEntry.employee_id == employee_id)
            .order_by(PointsEntry.created_at.desc(), PointsEntry.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )
