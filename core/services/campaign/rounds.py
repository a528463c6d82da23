"""A campaign's rounds: their order, who competes in each, and who judges it."""

from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from core.models import (
    Campaign,
    CampaignStage,
    Employee,
    JudgePanelMember,
    Registration,
    StageResult,
    User,
)
from core.models.campaign import EVALUATED_ROUNDS
from core.services import DomainError
from scoring.composite import SOURCES

STAGE_ORDER = tuple(CampaignStage)
RANKED_STAGES = (CampaignStage.PRELIMINARY, CampaignStage.SECOND, CampaignStage.FINAL)
# The sources a stage can weigh: the preliminary screening has only customer ratings yet.
STAGE_SOURCES = {
    CampaignStage.PRELIMINARY: ("customer",),
    CampaignStage.SECOND: SOURCES,
    CampaignStage.FINAL: SOURCES,
}


class CampaignError(DomainError):
    """A campaign rule said no; `field` names the form field it concerns, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def checked_text(value: str | None, field: str, maximum: int, missing: str | None = None) -> str:
    """The text stripped; CampaignError next to `field` when it is too long, or empty and
    `missing` (the message) says it is required."""
    value = (value or "").strip()
    if missing and not value:
        raise CampaignError(missing, field=field)
    if len(value) > maximum:
        raise CampaignError(_("At most %(n)d characters.", n=maximum), field=field)
    return value


def registration_of(campaign: Campaign, employee: Employee) -> Registration | None:
    """The employee's registration in the campaign, if any."""
    return db.session.scalar(
        select(Registration).filter_by(campaign_id=campaign.id, employee_id=employee.id)
    )


def previous_stage(stage: CampaignStage) -> CampaignStage | None:
    """The stage before this one (None for registration)."""
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index - 1] if index else None


def next_stage(stage: CampaignStage) -> CampaignStage | None:
    """The stage after this one (None once published)."""
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def round_candidates(campaign: Campaign, stage: CampaignStage) -> list[Employee]:
    """Who competes in a stage: registrants in the preliminary, then those passed on."""
    if stage is CampaignStage.PRELIMINARY:
        query = select(Employee).join(Registration, Registration.employee_id == Employee.id)
        query = query.where(Registration.campaign_id == campaign.id)
    elif stage in EVALUATED_ROUNDS:
        query = select(Employee).join(StageResult, StageResult.employee_id == Employee.id)
        query = query.where(
            StageResult.campaign_id == campaign.id,
            StageResult.stage == previous_stage(stage),
            StageResult.passed.is_(True),
        )
    else:
        return []
    return list(db.session.scalars(query.order_by(Employee.display_name, Employee.id)))


def is_candidate(campaign: Campaign, stage: CampaignStage, employee: Employee) -> bool:
    """Whether the employee competes in this stage."""
    return any(c.id == employee.id for c in round_candidates(campaign, stage))


def panel_of(campaign: Campaign, round_: CampaignStage) -> list[User]:
    """The judges named to a round."""
    query = (
        select(User)
        .join(JudgePanelMember, JudgePanelMember.user_id == User.id)
        .where(JudgePanelMember.campaign_id == campaign.id, JudgePanelMember.round == round_)
        .order_by(User.name, User.email)
    )
    return list(db.session.scalars(query))
