"""Advancing a campaign: closing a stage freezes its results and opens the next round."""

from flask_babel import gettext as _
from sqlalchemy import select

from core.database import begin_write
from core.extensions import db
from core.models import Campaign, CampaignStage, User, VoteTally
from core.models.campaign import EVALUATED_ROUNDS
from core.services.audit import record_audit
from core.services.campaign.results import freeze_stage
from core.services.campaign.rounds import RANKED_STAGES, CampaignError, next_stage, round_candidates


def advance_stage(campaign: Campaign, actor: User | None) -> CampaignStage:
    """Close the current stage and open the next one.

    Closing a ranked stage freezes its results (StageResult rows) and so decides who
    passes on; opening a round prepares a zero vote counter for each of its candidates.
    """
    current = campaign.stage
    upcoming = next_stage(current)
    if upcoming is None:
        raise CampaignError(_("This campaign is published already."))
    begin_write()
    # The row lock (PostgreSQL; SQLite's write lock is taken already) serialises two admins.
    db.session.scalars(
        select(Campaign)
        .where(Campaign.id == campaign.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if campaign.stage is not current:
        db.session.rollback()
        raise CampaignError(_("Someone else advanced this campaign meanwhile."))
    if current is CampaignStage.REGISTRATION and not round_candidates(
        campaign, CampaignStage.PRELIMINARY
    ):
        db.session.rollback()
        raise CampaignError(_("Nobody has registered yet."))
    if current in RANKED_STAGES:
        freeze_stage(campaign, current)
    campaign.stage = upcoming
    if upcoming in EVALUATED_ROUNDS:
        for candidate in round_candidates(campaign, upcoming):
            db.session.add(
                VoteTally(campaign_id=campaign.id, round=upcoming, candidate_id=candidate.id)
            )
    record_audit(
        "campaign.advance", "campaign", campaign.id,
        {"stage": current.value}, {"stage": upcoming.value}, user=actor,
    )  # fmt: skip
    db.session.commit()
    return upcoming
