"""The demo campaign's public notice: its preliminary closed under a week's notice, and one
candidate's objection waiting for the admin's answer (so a newcomer can answer it)."""

from sqlalchemy import select

from core.demo.campaign import DEMO_CAMPAIGN_NAME
from core.extensions import db
from core.models import Campaign, CampaignStage
from core.services.campaign.results import published_results
from core.services.campaign.stages import advance_stage
from core.services.notices.announcements import stage_notice
from core.services.notices.objections import file_objection

DEMO_NOTICE_DAYS = 7
DEMO_OBJECTION = (
    "My rank looks low: the paper ballots customers filled in at the market stall "
    "last Saturday do not seem to be counted."
)


def seed_demo_objection(notes: list[str]) -> None:
    """Close the demo campaign's registration and preliminary (once), then object; commits.

    Runs after the demo ratings, so the preliminary ranks candidates by real customers.
    """
    campaign = db.session.scalar(select(Campaign).where(Campaign.name == DEMO_CAMPAIGN_NAME))
    if campaign is None or campaign.stage is not CampaignStage.REGISTRATION:
        return
    campaign.notice_days = DEMO_NOTICE_DAYS
    db.session.commit()
    advance_stage(campaign, None)
    advance_stage(campaign, None)
    results = published_results(campaign, CampaignStage.PRELIMINARY)
    notice = stage_notice(campaign.id, CampaignStage.PRELIMINARY)
    if not results or notice is None:
        return
    objector = results[-1].employee  # the last placed has the most reason to ask
    file_objection(notice.id, objector, DEMO_OBJECTION)
    notes.append(
        f"The demo campaign's preliminary results are under {DEMO_NOTICE_DAYS} days' public "
        f"notice; {objector.display_name} objected: answer it at /admin/objections."
    )
