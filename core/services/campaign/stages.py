"""Advancing a campaign: closing a stage freezes its results and opens the next round.

No silent zeros: a ranked stage closes only when every ranked candidate has each source
the stage weighs, or an admin waived it for them (see waivers). Publishing the final grants
the winners' place rewards (points.place_rewards).
"""

from flask_babel import gettext as _

from core.database import write_locked
from core.extensions import db
from core.models import Campaign, CampaignStage, User, VoteTally
from core.models.campaign import EVALUATED_ROUNDS
from core.services.audit import record_audit
from core.services.campaign.results import freeze_stage, stage_gaps, stage_results
from core.services.campaign.rounds import (
    RANKED_STAGES,
    CampaignError,
    next_stage,
    round_candidates,
)
from core.services.notices.announcements import announce_stage


class StageHasGaps(CampaignError):
    """A ranked candidate lacks a source the stage weighs, and nobody waived it."""


def advance_stage(campaign: Campaign, actor: User | None) -> CampaignStage:
    """Close the current stage and open the next one.

    Closing a ranked stage freezes its results (StageResult rows) and so decides who
    passes on; opening a round prepares a zero vote counter for each of its candidates.
    """
    current = campaign.stage
    upcoming = next_stage(current)
    if upcoming is None:
        raise CampaignError(_("This campaign is published already."))
    write_locked(Campaign, campaign.id)  # two admins, or a waiver meanwhile, take turns
    if campaign.stage is not current:
        db.session.rollback()
        raise CampaignError(_("Someone else advanced this campaign meanwhile."))
    if current is CampaignStage.REGISTRATION and not round_candidates(
        campaign, CampaignStage.PRELIMINARY
    ):
        db.session.rollback()
        raise CampaignError(_("Nobody has registered yet."))
    if current in RANKED_STAGES:
        results = stage_results(campaign, current)
        gaps = stage_gaps(results)
        if gaps:
            db.session.rollback()
            raise StageHasGaps(
                _(
                    "The stage cannot close: %(names)s lack a source it weighs. Give the "
                    "missing evaluations or waive them, as listed on the campaign page.",
                    names=", ".join(employee.display_name for employee, _s in gaps),
                )
            )
        freeze_stage(campaign, current, results)
        announce_stage(campaign, current, actor)
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
