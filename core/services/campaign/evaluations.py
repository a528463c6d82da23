"""Supervisor, self and judge evaluations of a round's candidates.

Each can be revised until the admin closes the round (advances the campaign). The
supervisor is a manager of the candidate's branch; for a branch without an active
manager an admin stands in (evaluates, reviews self-evaluations), so the round need not
close on a missing source (the admin may also waive it, see waivers).
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.database import begin_write
from core.extensions import db
from core.models import (
    Branch,
    Campaign,
    CampaignStage,
    Employee,
    JudgePanelMember,
    JudgeScore,
    Role,
    SelfEvaluation,
    SelfEvaluationStatus,
    SupervisorEvaluation,
    User,
)
from core.models.campaign import EVALUATED_ROUNDS, JUDGE_CRITERIA
from core.models.people import manager_branches
from core.services.audit import record_change, record_created
from core.services.campaign.rounds import CampaignError, checked_text, is_candidate

TEXT_MAX = 2000


class JudgeConflict(CampaignError):
    """A judge may not score a candidate of a branch they manage."""


def open_round(campaign: Campaign) -> CampaignStage:
    """The round being evaluated now, else CampaignError."""
    if campaign.stage not in EVALUATED_ROUNDS:
        raise CampaignError(_("No round of this campaign is open for evaluation."))
    return campaign.stage


def manages(user: User, employee: Employee) -> bool:
    """Whether the user is a manager of the employee's branch."""
    return user.role is Role.MANAGER and employee.branch_id in {b.id for b in user.branches}


def unmanaged_branch_ids() -> set[int]:
    """The branches without an active manager."""
    managed = (
        select(manager_branches.c.branch_id)
        .join(User, User.id == manager_branches.c.user_id)
        .where(User.role == Role.MANAGER, User.active.is_(True))
    )
    return set(db.session.scalars(select(Branch.id).where(Branch.id.not_in(managed))))


def supervises(user: User, employee: Employee) -> bool:
    """Whether the user is the employee's supervisor in the selection.

    A manager of the employee's branch; an admin when the branch has no active manager.
    """
    if user.role is Role.ADMIN:
        return employee.branch_id in unmanaged_branch_ids()
    return manages(user, employee)


def _check_text(value: str, field: str, required: bool = True) -> str:
    missing = _("This field is required.") if required else None
    return checked_text(value, field, TEXT_MAX, missing)


def _check_scores(scores: dict[str, int]) -> None:
    for name, value in scores.items():
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            raise CampaignError(_("Give a whole number from 1 to 10."), field=name)


def _candidate_in_round(campaign: Campaign, round_: CampaignStage, candidate: Employee) -> None:
    if not is_candidate(campaign, round_, candidate):
        raise CampaignError(_("This employee is not a candidate of the current round."))


def _save(row, lookup: dict, values: dict, audit: tuple[str, User] | None = None):
    """Insert or update the row found by `lookup`; the unique key settles a race.

    `audit` (action, user): log the new row, or each changed field of the stored one.
    """
    begin_write()
    existing = db.session.scalar(select(row).filter_by(**lookup))
    target = existing or row(**lookup)
    for name, value in values.items():
        setattr(target, name, value)
    db.session.add(target)
    try:
        if audit and existing is not None:
            record_change(audit[0], target, user=audit[1])
        db.session.flush()
        if audit and existing is None:
            record_created(audit[0], target, user=audit[1])
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise CampaignError(_("This was saved at the same moment elsewhere; try again.")) from None
    return target


def save_supervisor_evaluation(
    campaign: Campaign, candidate: Employee, manager: User, scores: dict[str, int], comment: str
) -> SupervisorEvaluation:
    """A manager's attitude/quality/efficiency scores (1..10) and comment for a candidate."""
    round_ = open_round(campaign)
    if not supervises(manager, candidate):
        raise CampaignError(
            _("You can only evaluate staff of the branches you manage, or as an admin of "
              "branches without a manager.")
        )  # fmt: skip
    _candidate_in_round(campaign, round_, candidate)
    _check_scores(scores)
    comment = _check_text(comment, "comment")
    lookup = {
        "campaign_id": campaign.id,
        "round": round_,
        "candidate_id": candidate.id,
        "manager_id": manager.id,
    }
    values = {name: scores[name] for name in ("attitude", "quality", "efficiency")}
    values = {**values, "comment": comment}
    return _save(SupervisorEvaluation, lookup, values, ("campaign.evaluate", manager))


def self_evaluation_of(
    campaign: Campaign, round_: CampaignStage, employee: Employee
) -> SelfEvaluation | None:
    """The employee's self-evaluation for the round, if any."""
    return db.session.scalar(
        select(SelfEvaluation).filter_by(
            campaign_id=campaign.id, round=round_, employee_id=employee.id
        )
    )


def submit_self_evaluation(
    campaign: Campaign, employee: Employee, scores: dict[str, int], reasons: str, improvements: str
) -> SelfEvaluation:
    """A candidate's self-evaluation; resubmitting is allowed until it is accepted."""
    round_ = open_round(campaign)
    _candidate_in_round(campaign, round_, employee)
    existing = self_evaluation_of(campaign, round_, employee)
    if existing is not None and existing.status is SelfEvaluationStatus.ACCEPTED:
        raise CampaignError(_("Your self-evaluation was accepted; it can no longer change."))
    _check_scores(scores)
    values = {
        **{name: scores[name] for name in ("performance", "growth", "self_management")},
        "reasons": _check_text(reasons, "reasons"),
        "improvements": _check_text(improvements, "improvements"),
        "status": SelfEvaluationStatus.SUBMITTED,
    }
    lookup = {"campaign_id": campaign.id, "round": round_, "employee_id": employee.id}
    return _save(SelfEvaluation, lookup, values)


def review_self_evaluation(
    evaluation: SelfEvaluation, reviewer: User, accept: bool, comment: str
) -> SelfEvaluation:
    """The supervisor accepts a self-evaluation, or returns it with a comment."""
    campaign = db.session.get(Campaign, evaluation.campaign_id)
    if open_round(campaign) is not evaluation.round:
        raise CampaignError(_("This round is closed."))
    if not supervises(reviewer, evaluation.employee):
        raise CampaignError(_("You can only review staff of the branches you manage."))
    if evaluation.status is not SelfEvaluationStatus.SUBMITTED:
        raise CampaignError(_("This self-evaluation has been reviewed already."))
    comment = _check_text(comment, "comment", required=not accept)
    begin_write()
    with db.session.no_autoflush:  # reloading the expired reviewer must not flush (the log)
        evaluation.status = (
            SelfEvaluationStatus.ACCEPTED if accept else SelfEvaluationStatus.RETURNED
        )
        evaluation.supervisor_comment = comment
        evaluation.reviewed_by_id = reviewer.id
        record_change("campaign.self_review", evaluation, user=reviewer)
    db.session.commit()
    return evaluation


def accepted_self_evaluations(campaign: Campaign, branch_id: int) -> list[SelfEvaluation]:
    """Accepted self-evaluations of a branch's candidates: visible to its colleagues."""
    query = (
        select(SelfEvaluation)
        .join(Employee, Employee.id == SelfEvaluation.employee_id)
        .where(
            SelfEvaluation.campaign_id == campaign.id,
            SelfEvaluation.status == SelfEvaluationStatus.ACCEPTED,
            Employee.branch_id == branch_id,
        )
        .order_by(SelfEvaluation.round, Employee.display_name)
    )
    return list(db.session.scalars(query))


def on_panel(campaign: Campaign, round_: CampaignStage, judge: User) -> bool:
    """Whether the user sits on the round's judge panel."""
    member = db.session.get(JudgePanelMember, (campaign.id, round_, judge.id))
    return member is not None and judge.role is Role.JUDGE and judge.active


def judge_conflict(judge: User, candidate: Employee) -> bool:
    """A judge who manages the candidate's branch must not score them."""
    return candidate.branch_id in {b.id for b in judge.branches}


def save_judge_score(
    campaign: Campaign, judge: User, candidate: Employee, scores: dict[str, int], note: str
) -> JudgeScore:
    """A panel judge's scores of a candidate on the round's three criteria (1..10)."""
    round_ = open_round(campaign)
    if not on_panel(campaign, round_, judge):
        raise CampaignError(_("You are not on this round's panel."))
    if judge_conflict(judge, candidate):
        raise JudgeConflict(_("You manage this candidate's branch, so you may not score them."))
    _candidate_in_round(campaign, round_, candidate)
    criteria = JUDGE_CRITERIA[round_]
    _check_scores({name: scores.get(name) for name in criteria})
    lookup = {
        "campaign_id": campaign.id,
        "round": round_,
        "judge_id": judge.id,
        "candidate_id": candidate.id,
    }
    values = {name: scores[name] for name in criteria}
    values["note"] = _check_text(note, "note", required=False)
    return _save(JudgeScore, lookup, values, ("campaign.judge_score", judge))
