"""Commitments to winners (honours, career and material promises): the admin's list, due
first, and "delivered" recorded once, with who and when; and what a winner was granted,
for their own page."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.database import write_locked
from core.extensions import db
from core.models import Commitment, Employee, PlaceRewardGrant, User, utcnow
from core.services import DomainError
from core.services.audit import record_change
from core.services.points.place_rewards import result_title


class CommitmentError(DomainError):
    """The commitment cannot be marked delivered (message says why)."""


def open_commitments(branch_ids: set[int] | None = None) -> list[Commitment]:
    """Commitments neither delivered nor cancelled, soonest due first (no date last)."""
    query = (
        select(Commitment)
        .join(Employee, Employee.id == Commitment.employee_id)
        .where(Commitment.delivered_at.is_(None), Commitment.cancelled_at.is_(None))
        .order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)
    )
    if branch_ids is not None:
        query = query.where(Employee.branch_id.in_(sorted(branch_ids) or [0]))
    return list(db.session.scalars(query))


def closed_commitments(limit: int = 50) -> list[Commitment]:
    """The latest delivered or cancelled commitments, newest first."""
    query = (
        select(Commitment)
        .where((Commitment.delivered_at.is_not(None)) | (Commitment.cancelled_at.is_not(None)))
        .order_by(Commitment.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def deliver_commitment(commitment_id: int, actor: User | None) -> Commitment:
    """Record that the promise was kept; commits. Refused when delivered or cancelled."""
    actor_id = actor.id if actor is not None else None  # read before any change: no autoflush
    commitment = write_locked(Commitment, commitment_id)
    try:
        if commitment is None:
            raise CommitmentError(_l("This commitment does not exist."))
        if commitment.delivered_at is not None:
            raise CommitmentError(_l("This commitment is already marked delivered."))
        if commitment.cancelled_at is not None:
            raise CommitmentError(_l("This commitment was cancelled: its result was withdrawn."))
    except CommitmentError:
        db.session.rollback()
        raise
    commitment.delivered_at = utcnow()
    commitment.delivered_by_id = actor_id
    record_change("commitment.deliver", commitment, user=actor)
    db.session.commit()
    return commitment


@dataclass(frozen=True)
class WinnerReward:
    """One granted place reward, what its place was won in and, for a promise, its
    commitment."""

    grant: PlaceRewardGrant
    won_in: str
    commitment: Commitment | None


def winner_rewards(employee_id: int) -> list[WinnerReward]:
    """What the employee was granted for their places, newest first."""
    grants = db.session.scalars(
        select(PlaceRewardGrant)
        .where(PlaceRewardGrant.employee_id == employee_id)
        .order_by(PlaceRewardGrant.id.desc())
    ).all()
    commitments = {
        c.grant_id: c
        for c in db.session.scalars(select(Commitment).where(Commitment.employee_id == employee_id))
    }
    return [WinnerReward(g, result_title(g.place_reward), commitments.get(g.id)) for g in grants]
