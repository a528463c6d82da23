"""Follow-ups (回访) of low ratings: open → contacted → resolved, with deadlines.

Tasks are created at verification (core.services.ratings.one_time_codes) for ratings of 2 stars
or less whose customer agreed to be contacted. A task is overdue when it is still open
after contact_due_at, or not resolved after resolve_due_at.
"""

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from core.database import begin_write
from core.extensions import db
from core.models import FollowUpState, FollowUpTask, User, utcnow
from core.services import DomainError
from core.services.audit import record_change

# Allowed moves: a customer who cannot be reached may still be resolved (with a note).
NEXT_STATES = {
    FollowUpState.OPEN: {FollowUpState.CONTACTED, FollowUpState.RESOLVED},
    FollowUpState.CONTACTED: {FollowUpState.RESOLVED},
    FollowUpState.RESOLVED: set(),
}


class InvalidTransition(DomainError):
    """The task cannot move to that state from where it is."""


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
