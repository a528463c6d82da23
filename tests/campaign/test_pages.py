"""Every campaign page renders for the people who may see it, in a round with data in it."""

from urllib.parse import urlsplit

import pytest

from core.extensions import db
from core.models import CampaignStage, Role
from core.services.campaign.colleague_votes import cast_ballot
from core.services.campaign.evaluations import (
    review_self_evaluation,
    save_judge_score,
    save_supervisor_evaluation,
    submit_self_evaluation,
)
from core.services.campaign.setup import set_panel
from core.services.people.employees import issue_private_link
from tests.factories import make_user

SELF = {"performance": 8, "growth": 7, "self_management": 9}


@pytest.fixture
def busy_round(second_round, manager_of, branch):
    """The second round with a vote, a supervisor score, a self-evaluation and a judge score."""
    campaign, (ann, bo, cy), (dee, eve) = second_round
    manager = manager_of(branch)
    judge = make_user(Role.JUDGE, name="Judy")
    conflicted = make_user(Role.JUDGE, branches=[branch])
    db.session.commit()
    set_panel(campaign, CampaignStage.SECOND, [judge.id, conflicted.id], None)
    cast_ballot(campaign, dee, [ann.id])
    cast_ballot(campaign, eve, [ann.id, bo.id])
    save_supervisor_evaluation(
        campaign, ann, manager, {"attitude": 9, "quality": 8, "efficiency": 7}, "Ok"
    )
    accepted = submit_self_evaluation(campaign, ann, SELF, "Reasons of Ann", "Steps of Ann")
    review_self_evaluation(accepted, manager, accept=True, comment="")
    pending = submit_self_evaluation(campaign, bo, SELF, "Reasons of Bo", "Steps of Bo")
    save_judge_score(
        campaign, judge, ann, {"practical_skill": 9, "adaptability": 9, "teamwork": 9}, "Good"
    )
    return campaign, (ann, bo, cy), (dee, eve), manager, (judge, conflicted), pending


def test_admin_pages_render(client, login_as, busy_round):
    campaign, _candidates, _voters, _manager, _judges, _pending = busy_round
    login_as(make_user())
    for url in (
        "/admin/campaigns",
        "/admin/campaigns/new",
        f"/admin/campaigns/{campaign.id}",
        f"/admin/campaigns/{campaign.id}/edit",
        f"/admin/campaigns/{campaign.id}/panel/final",
    ):
        assert client.get(url).status_code == 200, url
    detail = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Live results" in detail and "× 20% =" in detail


def test_manager_pages_render(client, login_as, busy_round):
    campaign, (ann, _bo, _cy), _voters, manager, _judges, pending = busy_round
    login_as(manager)
    listing = client.get(f"/admin/campaigns/{campaign.id}/evaluations")
    assert listing.status_code == 200 and "Awaiting review" in listing.get_data(as_text=True)
    assert client.get(f"/admin/campaigns/{campaign.id}/evaluate/{ann.id}").status_code == 200
    review = client.get(f"/admin/campaigns/{campaign.id}/self-evaluations/{pending.id}")
    assert review.status_code == 200 and "Reasons of Bo" in review.get_data(as_text=True)
    detail = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Live results" not in detail  # the line-by-line breakdown is for admins


def test_judge_pages_render(client, login_as, busy_round):
    campaign, (ann, _bo, _cy), _voters, _manager, (judge, conflicted), _pending = busy_round
    login_as(judge)
    assert "Ann" in client.get("/admin/judging").get_data(as_text=True)
    assert client.get(f"/admin/judging/{campaign.id}/{ann.id}").status_code == 200
    client.post("/admin/logout")
    login_as(conflicted)
    assert "Conflict of interest" in client.get("/admin/judging").get_data(as_text=True)


def test_staff_page_shows_ballot_counts_and_accepted_self_evaluations(client, busy_round):
    campaign, (_ann, bo, _cy), _voters, _manager, _judges, _pending = busy_round
    db.session.commit()
    base = urlsplit(issue_private_link(bo)).path
    page = client.get(f"{base}/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Reasons of Ann" in page  # accepted: visible to colleagues
    assert "Reasons of Bo" in page  # Bo's own, still pending, in the form
    assert "Ann: 2" in page
