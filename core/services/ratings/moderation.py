"""Moderating feedback: the inbox, hiding ratings, surprise claims and disputes.

Every action here is one transaction: begin_write(), the ledger call (which reverses
or credits points and writes its audit entry), commit.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.database import begin_write
from core.extensions import db
from core.models import DisputeStatus, EmployeeIdentity, Rating, RatingStatus, SurpriseStatus, User
from core.services import DomainError
from core.services.audit import record_audit
from core.services.points.ledger import award_surprise_bonus, reject_surprise, reverse_rating
from core.services.points.tiers import correct_tiers_after_hiding
from core.services.ratings.bursts import suspicious_rating_ids
from core.services.ratings.leaderboard_ranks import refresh_stored_ranks


class NoOpenDispute(DomainError):
    """The rating has no open dispute (someone decided it already)."""


@dataclass(frozen=True)
class InboxFilter:
    """What the moderator asked to see; empty values mean "any"."""

    branch_id: int | None = None
    employee_id: int | None = None
    period: str = ""
    stars: int | None = None
    with_comment: bool = False
    surprise: str = ""
    suspicious: bool = False
    staff_contact: bool = False
    hidden: bool = False


@dataclass(frozen=True)
class InboxFlags:
    """Ids of the inbox's ratings that deserve a second look, by reason."""

    bursts: set[int]
    # Verified with a contact that is (now) an employee's: given before it was recorded.
    staff_contact: set[int]


def _scope(filters: InboxFilter, visible_branches: set[int] | None) -> list:
    """Conditions shared by the listing and the burst detection: who, where, when."""
    conditions = []
    if visible_branches is not None:
        conditions.append(Rating.branch_id.in_(sorted(visible_branches)))
    if filters.branch_id:
        conditions.append(Rating.branch_id == filters.branch_id)
    if filters.employee_id:
        conditions.append(Rating.employee_id == filters.employee_id)
    if filters.period:
        conditions.append(Rating.period_key == filters.period)
    return conditions


def staff_contact_rating_ids(conditions) -> set[int]:
    """Ids of the verified or hidden ratings matching `conditions` given with a staff contact."""
    staff = select(EmployeeIdentity.identity_hash)
    query = select(Rating.id).where(
        Rating.status.in_([RatingStatus.VERIFIED, RatingStatus.HIDDEN]),
        Rating.customer_hash.in_(staff),
        *conditions,
    )
    return set(db.session.scalars(query))


def inbox(filters: InboxFilter, visible_branches: set[int] | None):
    """The inbox query (verified, or hidden, ratings; never pending) and its InboxFlags."""
    scope = _scope(filters, visible_branches)
    flags = InboxFlags(suspicious_rating_ids(scope), staff_contact_rating_ids(scope))
    status = RatingStatus.HIDDEN if filters.hidden else RatingStatus.VERIFIED
    query = select(Rating).where(Rating.status == status, *scope)
    if filters.stars:
        query = query.where(Rating.overall == filters.stars)
    if filters.with_comment:
        query = query.where(Rating.comment != "")
    if filters.surprise:
        query = query.where(Rating.surprise_status == SurpriseStatus(filters.surprise))
    if filters.suspicious:
        query = query.where(Rating.id.in_(sorted(flags.bursts) or [0]))
    if filters.staff_contact:
        query = query.where(Rating.id.in_(sorted(flags.staff_contact) or [0]))
    # The inbox shows each rating's employee, branch and stars: load them with the page.
    query = query.options(
        selectinload(Rating.employee), selectinload(Rating.branch), selectinload(Rating.stars)
    ).order_by(Rating.created_at.desc(), Rating.id.desc())
    return query, flags


def given_with_staff_contact(rating: Rating) -> bool:
    """Whether the rating was verified with a contact that is (now) an employee's."""
    return bool(rating.customer_hash) and bool(staff_contact_rating_ids([Rating.id == rating.id]))


def open_surprise_claims(visible_branches: set[int] | None):
    """Verified ratings with a surprise-service claim waiting for a decision, oldest first."""
    query = select(Rating).where(
        Rating.status == RatingStatus.VERIFIED,
        Rating.surprise_status == SurpriseStatus.CLAIMED,
        *_scope(InboxFilter(), visible_branches),
    )
    return query.order_by(Rating.created_at, Rating.id)


def open_disputes(visible_branches: set[int] | None):
    """Ratings an employee disputed, waiting for the branch manager, oldest first."""
    query = select(Rating).where(
        Rating.status == RatingStatus.VERIFIED,
        Rating.dispute_status == DisputeStatus.OPEN,
        *_scope(InboxFilter(), visible_branches),
    )
    return query.order_by(Rating.created_at, Rating.id)


def hide_rating(rating: Rating, actor: User, reason: str) -> None:
    """Hide a rating with a reason; its points are reversed. Commits."""
    begin_write()
    reverse_rating(rating, actor, reason)
    _after_hiding(rating, actor)
    db.session.commit()


def _after_hiding(rating: Rating, actor: User) -> None:
    """A closed period's tiers and stored ranking follow a hidden rating of the period."""
    correct_tiers_after_hiding(rating, actor)
    refresh_stored_ranks(rating.period_key)


def confirm_surprise(rating: Rating, actor: User) -> None:
    """Confirm a surprise-service claim: the bonus points are credited. Commits."""
    begin_write()
    award_surprise_bonus(rating, actor)
    db.session.commit()


def decline_surprise(rating: Rating, actor: User) -> None:
    """Turn down a surprise-service claim: no bonus. Commits."""
    begin_write()
    reject_surprise(rating, actor)
    db.session.commit()


def _locked_open_dispute(rating: Rating) -> Rating:
    statement = select(Rating).where(Rating.id == rating.id).with_for_update()
    rating = db.session.scalars(statement.execution_options(populate_existing=True)).one()
    if rating.dispute_status is not DisputeStatus.OPEN or rating.status is not (
        RatingStatus.VERIFIED
    ):
        raise NoOpenDispute(_("This rating has no open dispute."))
    return rating


def uphold_rating(rating: Rating, actor: User) -> None:
    """Close a dispute keeping the rating as it is. Commits."""
    begin_write()
    rating = _locked_open_dispute(rating)
    rating.dispute_status = DisputeStatus.UPHELD
    record_audit("dispute.uphold", "rating", rating.id, {"dispute": "open"},
                 {"dispute": "upheld"}, user=actor)  # fmt: skip
    db.session.commit()


def hide_disputed_rating(rating: Rating, actor: User, reason: str) -> None:
    """Close a dispute by hiding the rating; its points are reversed. Commits."""
    begin_write()
    rating = _locked_open_dispute(rating)
    reverse_rating(rating, actor, reason)
    _after_hiding(rating, actor)
    rating.dispute_status = DisputeStatus.HIDDEN
    record_audit("dispute.hide", "rating", rating.id, {"dispute": "open"},
                 {"dispute": "hidden"}, user=actor)  # fmt: skip
    db.session.commit()
