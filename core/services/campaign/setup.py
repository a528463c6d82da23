"""Setting up a selection campaign: its dates, branches, weights and judge panels."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from core.database import begin_write
from core.extensions import db
from core.models import (
    Branch,
    Campaign,
    CampaignStage,
    JudgePanelMember,
    Role,
    User,
)
from core.models.campaign import EVALUATED_ROUNDS
from core.services.audit import record_audit, record_change, record_created
from core.services.campaign.rounds import RANKED_STAGES, STAGE_ORDER, STAGE_SOURCES, CampaignError
from core.services.notices.announcements import NOTICE_DAYS_MAX
from scoring.composite import DEFAULT_STAGE_WEIGHTS, validate_weights


@dataclass
class CampaignData:
    """What an admin sets on a campaign (checked by validate_campaign_data)."""

    name: str
    branch_ids: list[int]
    starts_on: date
    ends_on: date
    registration_closes_on: date | None = None
    second_round_on: date | None = None
    final_on: date | None = None
    weights: dict = field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_STAGE_WEIGHTS.items()}
    )
    preliminary_pass: int = 10
    second_pass: int = 5
    winners: int = 1
    ballot_size: int = 3
    vote_threshold: int = 5
    min_ratings: int = 3
    # Public notice of each stage's results, in local days (0: final at once).
    notice_days: int = 0


def _checked_weights(weights: dict) -> dict:
    checked = {}
    for stage in RANKED_STAGES:
        stage_weights = {s: w for s, w in weights.get(stage.value, {}).items() if w}
        if set(stage_weights) - set(STAGE_SOURCES[stage]):
            raise CampaignError(
                _("This stage has no such evaluation source."), field=f"weights_{stage.value}"
            )
        try:
            checked[stage.value] = validate_weights(stage_weights)
        except ValueError:
            raise CampaignError(
                _("The weights of this stage must add up to 100."), field=f"weights_{stage.value}"
            ) from None
    return checked


def validate_campaign_data(data: CampaignData) -> tuple[dict, list[Branch]]:
    """Check the rules a form cannot: dates in order, weights total 100, known branches."""
    if not data.name.strip():
        raise CampaignError(_("Give the campaign a name."), field="name")
    if data.ends_on < data.starts_on:
        raise CampaignError(_("The end must not come before the start."), field="ends_on")
    schedule = [data.registration_closes_on, data.second_round_on, data.final_on]
    known = [d for d in schedule if d is not None]
    if known != sorted(known):
        raise CampaignError(_("The stages must be dated in order."), field="final_on")
    if not 0 <= data.notice_days <= NOTICE_DAYS_MAX:
        raise CampaignError(_("Between 0 and %(n)d days.", n=NOTICE_DAYS_MAX), field="notice_days")
    weights = _checked_weights(data.weights)
    branches = list(db.session.scalars(select(Branch).where(Branch.id.in_(data.branch_ids))))
    if not branches or len(branches) != len(set(data.branch_ids)):
        raise CampaignError(_("Choose at least one branch."), field="branch_ids")
    return weights, branches


SETTINGS = (
    "starts_on", "ends_on", "registration_closes_on", "second_round_on", "final_on",
    "preliminary_pass", "second_pass", "winners", "ballot_size", "vote_threshold",
    "min_ratings", "notice_days",
)  # fmt: skip


def _apply(campaign: Campaign, data: CampaignData, weights: dict, branches: list) -> None:
    # Replacing the branches loads the old ones; a flush then would hide the changes from
    # the audit log (record_change reads them before the flush).
    with db.session.no_autoflush:
        campaign.name = data.name.strip()
        campaign.branches = branches
        campaign.weights = weights
        for name in SETTINGS:
            setattr(campaign, name, getattr(data, name))


def create_campaign(data: CampaignData, actor: User | None) -> Campaign:
    """Create a campaign in its registration stage."""
    weights, branches = validate_campaign_data(data)
    begin_write()
    campaign = Campaign(created_by_id=actor.id if actor else None)
    _apply(campaign, data, weights, branches)
    db.session.add(campaign)
    db.session.flush()
    record_created("campaign.create", campaign, user=actor)
    db.session.commit()
    return campaign


def update_campaign(campaign: Campaign, data: CampaignData, actor: User | None) -> Campaign:
    """Change a campaign's settings; published stages keep their frozen results."""
    if campaign.stage is CampaignStage.PUBLISHED:
        raise CampaignError(_("A published campaign can no longer change."))
    weights, branches = validate_campaign_data(data)
    begin_write()
    _apply(campaign, data, weights, branches)
    record_change("campaign.update", campaign, user=actor)
    db.session.commit()
    return campaign


def set_panel(campaign: Campaign, round_: CampaignStage, user_ids, actor: User | None) -> None:
    """Name the judges of a round (active users with the judge role); replaces the panel."""
    if round_ not in EVALUATED_ROUNDS:
        raise CampaignError(_("Only the second round and the final have judges."))
    if STAGE_ORDER.index(campaign.stage) > STAGE_ORDER.index(round_):
        raise CampaignError(_("This round is closed."), field="judge_ids")
    ids = set(user_ids)
    judges = list(db.session.scalars(select(User).where(User.id.in_(ids))))
    if len(judges) != len(ids) or any(j.role is not Role.JUDGE or not j.active for j in judges):
        raise CampaignError(_("Only active judges can sit on a panel."), field="judge_ids")
    begin_write()
    db.session.execute(
        JudgePanelMember.__table__.delete().where(
            JudgePanelMember.campaign_id == campaign.id, JudgePanelMember.round == round_
        )
    )
    for judge in judges:
        db.session.add(JudgePanelMember(campaign_id=campaign.id, round=round_, user_id=judge.id))
    record_audit(
        "campaign.panel", "campaign", campaign.id,
        after={"round": round_.value, "judges": sorted(ids)}, user=actor,
    )  # fmt: skip
    db.session.commit()


def campaigns_for_branch(branch_id: int) -> list[Campaign]:
    """Campaigns the branch takes part in, newest first."""
    query = select(Campaign).where(Campaign.branches.any(Branch.id == branch_id))
    return list(db.session.scalars(query.order_by(Campaign.id.desc())))
