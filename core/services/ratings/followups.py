"""Follow-ups (回访) of low ratings: open → contacted → resolved, with deadlines.

Tasks are created at verification (core.services.ratings.submission) for ratings of 2 stars
or less whose customer agreed to be contacted. A task is overdue when it is still open
after contact_due_at, or not resolved after resolve_due_at. A customer verified by a
receipt code left no contact: the thank-you page asks for one (leave_callback_contact),
so that no task is left without a way to call back.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import FollowUpState, FollowUpTask, Rating, RatingStatus, User, utcnow
from core.services import DomainError
from core.services.audit import record_change
from core.services.ratings.identity import normalise_email, normalise_phone

# Allowed moves: a customer who cannot be reached may still be resolved (with a note).
NEXT_STATES = {
    FollowUpState.OPEN: {FollowUpState.CONTACTED, FollowUpState.RESOLVED},
    FollowUpState.CONTACTED: {FollowUpState.RESOLVED},
    FollowUpState.RESOLVED: set(),
}


class InvalidTransition(DomainError):
    """The task cannot move to that state from where it is."""


class NoCallbackWanted(DomainError):
    """This rating needs no contact from the customer (none asked, or one given already)."""


def needs_callback_contact(rating: Rating) -> bool:
    """A verified rating with a follow-up task, whose customer agreed but left no contact."""
    if rating.status is not RatingStatus.VERIFIED or not rating.consent_contact:
        return False
    if rating.contact is not None:
        return False
    task = select(FollowUpTask.id).where(FollowUpTask.rating_id == rating.id)
    return db.session.scalar(task) is not None


def callback_contact(typed: str) -> str:
    """The normalised email (with an @) or phone number typed; InvalidContact when neither."""
    typed = (typed or "").strip()
    return normalise_email(typed) if "@" in typed else normalise_phone(typed)


def leave_callback_contact(rating_id: int, typed: str) -> None:
    """Keep the phone or email to call back on for a rating's follow-up; commits.

    InvalidContact (nothing stored) for a contact that cannot be used; NoCallbackWanted
    when the rating needs none (a repeated form finds the contact already there).
    """
    contact = callback_contact(typed)
    rating = write_locked(Rating, rating_id)
    if rating is None or not needs_callback_contact(rating):
        db.session.rollback()
        raise NoCallbackWanted(_("We already have what we need to call you back."))
    rating.contact = contact
    db.session.commit()


def overdue_condition(now: datetime):
    """Where-clause: open past the contact deadline, or unresolved past the resolve deadline."""
    return or_(
        and_(FollowUpTask.state == FollowUpState.OPEN, FollowUpTask.contact_due_at < now),
        and_(FollowUpTask.state != FollowUpState.RESOLVED, FollowUpTask.resolve_due_at < now),
    )


def is_overdue(task: FollowUpTask, now: datetime | None = None) -> bool:
    """Whether the task missed a deadline (same rule as overdue_condition)."""
    now = now or utcnow()
    if task.state is FollowUpState.RESOLVED:
        return False
    return task.resolve_due_at < now or (
        task.state is FollowUpState.OPEN and task.contact_due_at < now
    )


def _in_branches(query, branch_ids):
    if branch_ids is None:
        return query
    return query.where(FollowUpTask.branch_id.in_(sorted(branch_ids)))


def overdue_count(branch_ids: set[int] | None) -> int:
    """How many follow-ups are overdue in these branches (None: all), for the dashboard."""
    query = select(func.count(FollowUpTask.id)).where(overdue_condition(utcnow()))
    return db.session.scalar(_in_branches(query, branch_ids)) or 0


def task_list(branch_ids: set[int] | None, state: str = "", overdue_only: bool = False):
    """The follow-ups query: by default the unresolved ones, most urgent first."""
    query = _in_branches(select(FollowUpTask), branch_ids)
    if state == "":
        query = query.where(FollowUpTask.state != FollowUpState.RESOLVED)
    elif state != "all":
        query = query.where(FollowUpTask.state == FollowUpState(state))
    if overdue_only:
        query = query.where(overdue_condition(utcnow()))
    return query.order_by(FollowUpTask.contact_due_at, FollowUpTask.id)


def update_task(task: FollowUpTask, actor: User, note: str, state: FollowUpState) -> None:
    """Save the note and, if asked, move the task to its next state. Commits."""
    begin_write()
    statement = select(FollowUpTask).where(FollowUpTask.id == task.id).with_for_update()
    task = db.session.scalars(statement.execution_options(populate_existing=True)).one()
    if state is not task.state and state not in NEXT_STATES[task.state]:
        raise InvalidTransition(_("This follow-up cannot go back to an earlier state."))
    task.note = note.strip()
    if state is not task.state:
        now = utcnow()
        if state is FollowUpState.CONTACTED:
            task.contacted_at = now
        if state is FollowUpState.RESOLVED:
            task.resolved_at = now
        task.state = state
    record_change("followup.update", task, user=actor)
    db.session.commit()
