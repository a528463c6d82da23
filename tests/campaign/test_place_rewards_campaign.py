"""A campaign's winners' rewards: granted when the final stage is frozen (published), shown
under "My awards" on the winner's page and on the staff noticeboard's rules."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from core.database import begin_write
from core.extensions import db
from core.models import CampaignStage, Commitment, CommitmentKind, PlaceRewardKind, Role
from core.services.campaign.registration import register_employee
from core.services.campaign.stages import advance_stage
from core.services.people.employees import issue_private_link
from core.services.people.noticeboards import issue_noticeboard_link
from core.services.points.ledger import balance_of
from core.services.points.place_reward_setup import (
    PlaceRewardData,
    PlaceRewardError,
    add_place_reward,
)
from core.services.points.place_rewards import reverse_place_rewards
from tests.campaign.conftest import CUSTOMER_ONLY, rate
from tests.factories import make_award_period, make_employee, make_user


def _in_final(make_campaign, branch):
    """A campaign at its final stage: Ann first, Bo second; one winner's place."""
    ann = make_employee(branch=branch, display_name="Ann Lee")
    bo = make_employee(branch=branch, display_name="Bo Chen")
    rate(ann, 5)
    rate(bo, 3)
    campaign = make_campaign([branch], name="Star 2026", winners=1, weights=CUSTOMER_ONLY)
    for employee in (ann, bo):
        register_employee(campaign, employee, "Helped")
    for _ in range(3):
        advance_stage(campaign, None)
    assert campaign.stage is CampaignStage.FINAL
    return campaign, ann, bo


def test_publishing_the_final_grants_the_winners_place_rewards(client, make_campaign, branch):
    campaign, ann, bo = _in_final(make_campaign, branch)
    admin = make_user(Role.ADMIN, name="Ada Admin")
    db.session.commit()
    add_place_reward(campaign, PlaceRewardData(1, PlaceRewardKind.POINTS, points=100), admin)
    add_place_reward(
        campaign,
        PlaceRewardData(1, PlaceRewardKind.COMMITMENT, commitment_kind=CommitmentKind.PUBLIC_PRAISE,
                        description="Named at the annual meeting", owner_id=admin.id, due_days=30),
        admin,
    )  # fmt: skip
    board = urlsplit(issue_noticeboard_link(branch, None)).path
    rules = client.get(board).get_data(as_text=True)

    advance_stage(campaign, admin)

    assert (balance_of(ann.id), balance_of(bo.id)) == (100, 0)
    assert db.session.scalars(select(Commitment)).one().employee_id == ann.id
    assert "What the winners get" in rules and "Named at the annual meeting" in rules
    assert "Ada Admin" not in rules  # who delivers is for admins
    db.session.commit()
    page = client.get(urlsplit(issue_private_link(ann)).path).get_data(as_text=True)
    assert "My rewards for these places" in page and "Named at the annual meeting" in page
    assert "promised by" in page and "entered in my points" in page


def test_a_published_campaigns_rewards_no_longer_change(make_campaign, branch):
    campaign, _ann, _bo = _in_final(make_campaign, branch)
    advance_stage(campaign, None)

    with pytest.raises(PlaceRewardError):
        add_place_reward(campaign, PlaceRewardData(1, PlaceRewardKind.POINTS, points=5), None)


def test_reversing_a_campaign_takes_the_points_back(make_campaign, branch):
    campaign, ann, _bo = _in_final(make_campaign, branch)
    add_place_reward(campaign, PlaceRewardData(1, PlaceRewardKind.POINTS, points=100), None)
    advance_stage(campaign, None)

    begin_write()
    reversed_now = reverse_place_rewards(campaign, None, "Objection upheld")
    db.session.commit()

    assert len(reversed_now) == 1 and balance_of(ann.id) == 0


def test_the_noticeboard_lists_what_each_award_place_gets(client, branch):
    category = make_award_period(name="December").categories[0]
    db.session.commit()
    add_place_reward(category, PlaceRewardData(1, PlaceRewardKind.POINTS, points=75), None)
    board = urlsplit(issue_noticeboard_link(branch, None)).path

    page = client.get(board).get_data(as_text=True)

    assert "What the winners of each award get" in page
    assert "December · Service Star" in page and "75 points" in page
