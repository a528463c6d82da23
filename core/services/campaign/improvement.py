"""A candidate's improvement plan after a campaign: the weakest criteria, and training actions.

Criteria come from what others scored: the customers' stars per rating dimension (the
verified ratings of the campaign's days and branches), the managers' evaluations and the
judges' scores (the judges on each round's panel). Each is put on 0..100 so they compare;
the self-evaluation is left out on purpose, being the candidate's own view. A manager of
the candidate's branch (or an admin) assigns a training action for a criterion and marks
it done.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import (
    Campaign,
    Employee,
    ImprovementAction,
    JudgePanelMember,
    JudgeScore,
    Rating,
    RatingStar,
    RatingStatus,
    Registration,
    SupervisorEvaluation,
    User,
    utcnow,
)
from core.models.campaign import JUDGE_CRITERIA
from core.services.audit import record_change, record_created
from core.services.campaign.rounds import CampaignError, checked_text
from core.services.periods import counted_between, days_window
from scoring.review import scale_to_100, weakest_criteria

ACTION_MAX = 500
WEAKEST = 3
SUPERVISOR_CRITERIA = ("attitude", "quality", "efficiency")


@dataclass(frozen=True)
class ImprovementPlan:
    """A candidate's weakest criteria (key, 0..100), every criterion, and the actions."""

    employee: Employee
    weakest: list[tuple[str, float]]
    criteria: dict[str, float]
    actions: list[ImprovementAction]

    @property
    def open_actions(self) -> int:
        return sum(1 for a in self.actions if a.done_at is None)


def criteria_scores(campaign: Campaign, employee: Employee) -> dict[str, float]:
    """Every criterion others scored the candidate on, as "source:criterion" -> 0..100."""
    return (
        _customer_criteria(campaign, employee)
        | _supervisor_criteria(campaign, employee)
        | _judge_criteria(campaign, employee)
    )


def _customer_criteria(campaign: Campaign, employee: Employee) -> dict[str, float]:
    start, end = days_window(campaign.starts_on, campaign.ends_on)
    verified = (
        Rating.employee_id == employee.id,
        Rating.status == RatingStatus.VERIFIED,
        Rating.branch_id.in_(sorted(campaign.branch_ids)),
        counted_between(start, end),
    )
    dimensions = db.session.execute(
        select(RatingStar.dimension, func.avg(RatingStar.stars))
        .join(Rating, Rating.id == RatingStar.rating_id)
        .where(*verified)
        .group_by(RatingStar.dimension)
    ).all()
    overall = db.session.scalar(select(func.avg(Rating.overall)).where(*verified))
    scores = {f"customer:{key}": scale_to_100(float(mean), 1, 5) for key, mean in dimensions}
    if overall is not None:
        scores["customer:overall"] = scale_to_100(float(overall), 1, 5)
    return scores


def _supervisor_criteria(campaign: Campaign, employee: Employee) -> dict[str, float]:
    means = db.session.execute(
        select(*(func.avg(getattr(SupervisorEvaluation, c)) for c in SUPERVISOR_CRITERIA)).where(
            SupervisorEvaluation.campaign_id == campaign.id,
            SupervisorEvaluation.candidate_id == employee.id,
        )
    ).one()
    return {
        f"supervisor:{criterion}": scale_to_100(float(mean), 1, 10)
        for criterion, mean in zip(SUPERVISOR_CRITERIA, means, strict=True)
        if mean is not None
    }


def _judge_criteria(campaign: Campaign, employee: Employee) -> dict[str, float]:
    scores = {}
    for round_, criteria in JUDGE_CRITERIA.items():
        panel = select(JudgePanelMember.user_id).filter_by(campaign_id=campaign.id, round=round_)
        means = db.session.execute(
            select(*(func.avg(getattr(JudgeScore, c)) for c in criteria)).where(
                JudgeScore.campaign_id == campaign.id,
                JudgeScore.round == round_,
                JudgeScore.candidate_id == employee.id,
                JudgeScore.judge_id.in_(panel),
            )
        ).one()
        scores |= {
            f"judges:{criterion}": scale_to_100(float(mean), 1, 10)
            for criterion, mean in zip(criteria, means, strict=True)
            if mean is not None
        }
    return scores


def candidates_of(campaign: Campaign, branch_ids: set[int] | None) -> list[Employee]:
    """The campaign's registered candidates in these branches (None: all), by name."""
    query = (
        select(Employee)
        .join(Registration, Registration.employee_id == Employee.id)
        .where(Registration.campaign_id == campaign.id)
        .order_by(Employee.display_name, Employee.id)
    )
    if branch_ids is not None:
        query = query.where(Employee.branch_id.in_(sorted(branch_ids) or [0]))
    return list(db.session.scalars(query))


def actions_of(campaign: Campaign, employee: Employee) -> list[ImprovementAction]:
    """The candidate's actions of the campaign: open first, then by when assigned."""
    query = (
        select(ImprovementAction)
        .filter_by(campaign_id=campaign.id, employee_id=employee.id)
        .order_by(ImprovementAction.done_at.is_not(None), ImprovementAction.assigned_at)
    )
    return list(db.session.scalars(query))


def improvement_plan(campaign: Campaign, employee: Employee) -> ImprovementPlan:
    """The candidate's plan: weakest criteria first, with the actions assigned so far."""
    criteria = criteria_scores(campaign, employee)
    return ImprovementPlan(
        employee, weakest_criteria(criteria, WEAKEST), criteria, actions_of(campaign, employee)
    )


def _registered(campaign: Campaign, employee: Employee) -> bool:
    query = select(Registration.id).filter_by(campaign_id=campaign.id, employee_id=employee.id)
    return db.session.scalar(query) is not None


def assign_action(
    campaign: Campaign,
    employee: Employee,
    criterion: str,
    action: str,
    due_on: date | None,
    actor: User,
) -> ImprovementAction:
    """Assign the candidate a training action for one of their scored criteria. Commits."""
    action = checked_text(action, "action", ACTION_MAX, _("Say what the training action is."))
    begin_write()
    if not _registered(campaign, employee):
        db.session.rollback()
        raise CampaignError(_("Only a candidate of this campaign has an improvement plan."))
    if criterion not in criteria_scores(campaign, employee):
        db.session.rollback()
        raise CampaignError(
            _("Choose one of the criteria the candidate was scored on."), field="criterion"
        )
    row = ImprovementAction(
        campaign_id=campaign.id,
        employee_id=employee.id,
        criterion=criterion,
        action=action,
        due_on=due_on,
        assigned_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    record_created("campaign.improvement_action", row, user=actor)
    db.session.commit()
    return row


def mark_action_done(action_id: int, actor: User) -> ImprovementAction:
    """Mark a training action done; marking it again changes nothing. Commits."""
    row = write_locked(ImprovementAction, action_id)
    if row is None:
        db.session.rollback()
        raise CampaignError(_("This action no longer exists."))
    if row.done_at is None:
        row.done_at = utcnow()
        row.done_by_id = actor.id
        record_change("campaign.improvement_done", row, user=actor)
    db.session.commit()
    return row
