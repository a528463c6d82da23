"""The demo campaign: seeded once with `flask seed-demo`, and walkable to the published stage."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.demo.seed import seed_demo
from core.extensions import db
from core.models import (
    Campaign,
    CampaignStage,
    ImprovementAction,
    JudgePanelMember,
    Objection,
    ObjectionStatus,
    PlaceReward,
    PlaceRewardGrant,
    Registration,
    Role,
)
from core.services.campaign.agenda import campaigns_waiting
from core.services.campaign.evaluations import unmanaged_branch_ids
from core.services.campaign.results import published_winners
from core.services.campaign.stages import StageHasGaps, advance_stage
from core.services.notices.announcements import is_final, settle_notices, stage_notice
from tests.campaign.conftest import waive_gaps
from tests.factories import make_user


def test_seed_demo_creates_one_campaign_in_its_second_round(app):
    seed_demo()
    seed_demo()
    campaign = db.session.scalars(select(Campaign)).one()
    assert campaign.stage is CampaignStage.SECOND
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 4
    assert db.session.scalar(select(func.count()).select_from(JudgePanelMember)) == 2
    # The first candidate has a training action on their weakest criterion.
    assert db.session.scalar(select(func.count()).select_from(ImprovementAction)) == 1


def test_the_demo_preliminary_is_under_notice_with_one_open_objection(app):
    summary = seed_demo()
    (objection,) = db.session.scalars(select(Objection)).all()
    assert objection.status is ObjectionStatus.OPEN
    assert objection.notice.stage is CampaignStage.PRELIMINARY
    assert not is_final(objection.notice)
    assert any("/admin/objections" in note for note in summary.notes)


def test_the_demo_campaign_walks_through_every_stage(app):
    summary = seed_demo()
    campaign = db.session.scalars(select(Campaign)).one()
    stages = []
    for _round in ("second", "final"):
        # Nobody has evaluated yet: the round does not close on silent zeros.
        with pytest.raises(StageHasGaps):
            advance_stage(campaign, None)
        waive_gaps(campaign)
        stages.append(advance_stage(campaign, None))
    assert stages[-1] is CampaignStage.PUBLISHED
    assert published_winners() == []  # under a week's public notice
    campaign_grants = (
        select(func.count())
        .select_from(PlaceRewardGrant)
        .join(PlaceReward)
        .where(PlaceReward.campaign_id == campaign.id)
    )
    assert db.session.scalar(campaign_grants) == 0
    final = stage_notice(campaign.id, CampaignStage.FINAL)
    final.announced_at -= timedelta(days=30)
    final.notice_ends_at -= timedelta(days=30)
    db.session.commit()
    assert len(published_winners()) == 1
    # The demo's first place has winners' rewards: granted once the result is final.
    assert settle_notices() >= 1
    (winner,) = published_winners()
    granted = campaign_grants.where(PlaceRewardGrant.employee_id == winner.employee_id)
    assert db.session.scalar(granted) >= 2
    assert any("judge@example.com" in note for note in summary.notes)


def test_the_seed_demo_command_prints_the_campaign_accounts(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo campaign" in result.output and "manager@example.com" in result.output


def test_a_demo_branch_takes_part_without_a_manager(app):
    seed_demo()
    campaign = db.session.scalars(select(Campaign)).one()
    registered_branches = {r.employee.branch_id for r in db.session.scalars(select(Registration))}
    unmanaged = campaign.branch_ids & registered_branches & unmanaged_branch_ids()
    assert len(unmanaged) == 1
    (agenda,) = campaigns_waiting(None)
    assert agenda.unmanaged_branches == ("Harbour Square",)


def test_the_dashboard_names_the_demo_branch_without_a_manager(client, login_as):
    seed_demo()
    login_as(make_user(Role.ADMIN))
    page = client.get("/admin/").get_data(as_text=True)
    assert "Campaigns waiting" in page
    assert "Harbour Square has no active manager" in page
