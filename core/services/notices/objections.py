"""Objections to announced results: a candidate files one per result, an admin answers it.

Who may object: a candidate of the result, i.e. an employee with a frozen result in that
stage (ranked or screened out), or an employee listed in a category of the award period's
published snapshot (a ranked candidate or a winner). Only while the notice period runs;
once per result (a database constraint, so two requests at once cannot both get in).

The answer: dismissed with a reason, or upheld with a remedy (core.services.notices.
remedies): the stage's results recomputed or the stage reopened; an award period back to
draft. Every step is audited; the candidate reads the answer on their private page.
"""

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from core.database import write_locked
from core.extensions import db
from core.models import (
    Employee,
    Objection,
    ObjectionRemedy,
    ObjectionStatus,
    ResultNotice,
    StageResult,
    User,
    utcnow,
)
from core.services import DomainError
from core.services.audit import record_change, record_created
from core.services.awards.winners import latest_snapshot
from core.services.notices.announcements import in_notice, settle_notice
from core.services.notices.remedies import recompute_stage, reopen_stage, withdraw_to_draft

REASON_MIN, REASON_MAX = 10, 2000
ANSWER_MIN, ANSWER_MAX = 3, 2000
DISMISS = "dismiss"
# The remedies that fit each kind of result.
STAGE_REMEDIES = (ObjectionRemedy.RECOMPUTE, ObjectionRemedy.REOPEN)
PERIOD_REMEDIES = (ObjectionRemedy.WITHDRAW,)


class ObjectionError(DomainError):
    """An objection or its answer was refused; `field` names the form field it concerns."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def _text(value: str | None, field: str, shortest: int, longest: int) -> str:
    value = (value or "").strip()
    if len(value) < shortest:
        raise ObjectionError(_("At least %(n)d characters, please.", n=shortest), field=field)
    if len(value) > longest:
        raise ObjectionError(_("At most %(n)d characters.", n=longest), field=field)
    return value


def _period_candidate_ids(notice: ResultNotice) -> set[int]:
    snapshot = latest_snapshot(notice.award_period)
    if snapshot is None:
        return set()
    return {
        entry["employee_id"]
        for category in snapshot.results["categories"]
        for entry in category["candidates"] + category["winners"]
    }


def is_candidate_of(notice: ResultNotice, employee_id: int) -> bool:
    """Whether the employee is a candidate of the announced result (see the module)."""
    if notice.award_period_id is not None:
        return employee_id in _period_candidate_ids(notice)
    query = select(StageResult.id).filter_by(
        campaign_id=notice.campaign_id, stage=notice.stage, employee_id=employee_id
    )
    return db.session.scalar(query.limit(1)) is not None


def objection_of(notice_id: int, employee_id: int) -> Objection | None:
    """The employee's objection to this announced result, if any."""
    return db.session.scalar(
        select(Objection).filter_by(notice_id=notice_id, employee_id=employee_id)
    )


def _check_may_object(notice: ResultNotice | None, employee: Employee) -> None:
    if notice is None or notice.withdrawn_at is not None:
        raise ObjectionError(_("These results are no longer announced."))
    if not in_notice(notice):
        raise ObjectionError(_("The notice period is over: objections are closed."))
    if not is_candidate_of(notice, employee.id):
        raise ObjectionError(_("Only a candidate of these results may object to them."))
    if objection_of(notice.id, employee.id) is not None:
        raise ObjectionError(_("You have objected to these results already."))


def file_objection(notice_id: int, employee: Employee, reason: str) -> Objection:
    """The employee objects to an announced result, with a reason; commits."""
    reason = _text(reason, "reason", REASON_MIN, REASON_MAX)
    notice = write_locked(ResultNotice, notice_id)
    try:
        _check_may_object(notice, employee)
        objection = Objection(notice_id=notice.id, employee_id=employee.id, reason=reason)
        db.session.add(objection)
        db.session.flush()
    except ObjectionError:
        db.session.rollback()
        raise
    except IntegrityError:  # the other request of a double submit got in first
        db.session.rollback()
        raise ObjectionError(_("You have objected to these results already.")) from None
    record_created("objection.file", objection, user=None)
    db.session.commit()
    return objection


def _remedy(notice: ResultNotice, decision: str) -> ObjectionRemedy | None:
    """The remedy the decision names (None: dismissed); refused when it does not fit."""
    if decision == DISMISS:
        return None
    fitting = PERIOD_REMEDIES if notice.award_period_id is not None else STAGE_REMEDIES
    remedy = next((r for r in fitting if r.value == decision), None)
    if remedy is None:
        raise ObjectionError(_("Choose an answer that fits these results."), field="decision")
    if notice.withdrawn_at is not None:
        raise ObjectionError(
            _("These results were withdrawn meanwhile: dismiss this objection, saying so."),
            field="decision",
        )
    return remedy


def _carry_out(notice: ResultNotice, remedy: ObjectionRemedy | None, actor: User | None):
    if remedy is ObjectionRemedy.RECOMPUTE:
        recompute_stage(notice, actor)
    elif remedy is ObjectionRemedy.REOPEN:
        reopen_stage(notice, actor)
    elif remedy is ObjectionRemedy.WITHDRAW:
        withdraw_to_draft(notice, actor)


def answer_objection(objection_id: int, decision: str, answer: str, actor: User | None):
    """Dismiss the objection with a reason, or uphold it with a remedy; commits.

    A dismissed last objection makes the result final if its notice period is over.
    """
    answer = _text(answer, "answer", ANSWER_MIN, ANSWER_MAX)
    objection = write_locked(Objection, objection_id)
    try:
        if objection is None or objection.status is not ObjectionStatus.OPEN:
            raise ObjectionError(_("This objection was answered already."))
        # Two answers to objections of one result take turns on the result.
        notice = db.session.get(
            ResultNotice, objection.notice_id, with_for_update=True, populate_existing=True
        )
        remedy = _remedy(notice, decision)
        _carry_out(notice, remedy, actor)
    except DomainError:
        db.session.rollback()
        raise
    # No flush until the audit has read the changes (loading the actor would autoflush).
    with db.session.no_autoflush:
        objection.status = ObjectionStatus.DISMISSED if remedy is None else ObjectionStatus.UPHELD
        objection.remedy = remedy
        objection.answer = answer
        objection.answered_by_id = actor.id if actor else None
        objection.answered_at = utcnow()
        record_change("objection.answer", objection, user=actor)
    if notice.withdrawn_at is None:
        settle_notice(notice, actor)
    db.session.commit()
    return objection


def objections_list():
    """A query of every objection: open ones first, newest first within each."""
    still_open = case((Objection.status == ObjectionStatus.OPEN, 0), else_=1)
    return select(Objection).order_by(still_open, Objection.id.desc())


def objections_of(employee_id: int) -> dict[int, Objection]:
    """The employee's objections by the announced result they concern."""
    query = select(Objection).filter_by(employee_id=employee_id)
    return {o.notice_id: o for o in db.session.scalars(query)}


def open_objection_count(notice_id: int) -> int:
    """How many objections to this announced result still wait for an answer."""
    query = select(func.count()).where(
        Objection.notice_id == notice_id, Objection.status == ObjectionStatus.OPEN
    )
    return db.session.scalar(query)
