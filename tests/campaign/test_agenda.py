"""What the running campaigns wait for: dates reached, gaps, branches without a manager,
judges behind; listed on the dashboard, and only in the branches a manager sees."""

from datetime import UTC, date, datetime, timedelta

from core.extensions import db
from core.models import CampaignStage, Role
from core.services.campaign.agenda import DueDate, JudgeBehind, campaigns_waiting
from core.services.campaign.evaluations import save_judge_score
from core.services.campaign.registration import register_employee
from core.services.campaign.setup import set_panel
from core.services.periods import local_day
from tests.campaign.conftest import rate
from tests.factories import make_branch, make_employee, make_user

DATES = ("registration_closes_on", "second_round_on", "final_on")
JUDGE_SCORES = {"practical_skill": 8, "adaptability": 7, "teamwork": 9}


def _today() -> date:
    """The site-local day the agenda compares dates to."""
    return local_day(datetime.now(UTC))


def _registered(make_campaign, branch, **kw):
    """A campaign of `branch` in registration, with one registered employee.

    The dates in `kw` are set after the registration, which they could refuse.
    """
    employee = make_employee(branch=branch, display_name="Ann")
    db.session.commit()
    dates = {name: kw.pop(name) for name in DATES if name in kw}
    campaign = make_campaign([branch], **kw)
    register_employee(campaign, employee, "I helped.")
    for name, day in dates.items():
        setattr(campaign, name, day)
    db.session.commit()
    return campaign


def test_nothing_waits_for_a_managed_campaign_before_its_dates(make_campaign, manager_of):
    branch = make_branch(name="Riverside")
    manager_of(branch)
    today = _today()
    _registered(make_campaign, branch, registration_closes_on=today + timedelta(days=1))
    assert campaigns_waiting(None) == []


def test_dates_reached_and_not_closed_are_due(make_campaign, manager_of):
    branch = make_branch(name="Riverside")
    manager_of(branch)
    today = _today()
    campaign = _registered(
        make_campaign,
        branch,
        registration_closes_on=today - timedelta(days=2),
        second_round_on=today,
        final_on=today + timedelta(days=1),
    )
    (agenda,) = campaigns_waiting(None)
    assert agenda.campaign_id == campaign.id
    assert agenda.due == (
        DueDate(CampaignStage.REGISTRATION, today - timedelta(days=2), False),
        DueDate(CampaignStage.SECOND, today, True),
    )


def test_a_closed_stage_is_no_longer_due(make_campaign, manager_of):
    branch = make_branch(name="Riverside")
    manager_of(branch)
    rate(make_employee(branch=branch))
    campaign = _registered(
        make_campaign, branch, registration_closes_on=_today() - timedelta(days=1)
    )
    campaign.stage = CampaignStage.PRELIMINARY
    db.session.commit()
    assert campaigns_waiting(None) == []


def test_an_open_round_lists_gaps_unmanaged_branches_and_judges(second_round):
    campaign, (ann, bo, cy), _voters = second_round
    judge = make_user(Role.JUDGE, name="Jo Judge")
    db.session.commit()
    set_panel(campaign, CampaignStage.SECOND, [judge.id], None)
    save_judge_score(campaign, judge, ann, JUDGE_SCORES, "")

    (agenda,) = campaigns_waiting(None)

    assert agenda.evaluating
    assert agenda.unmanaged_branches == ("Harbour",)
    assert {gap.name for gap in agenda.gaps} == {"Ann", "Bo", "Cy"}
    assert all("supervisor" in gap.sources for gap in agenda.gaps)
    assert agenda.judges == (JudgeBehind("Jo Judge", 2),)


def test_a_judge_who_scored_everyone_is_not_listed(second_round):
    campaign, candidates, _voters = second_round
    judge = make_user(Role.JUDGE, name="Jo Judge")
    db.session.commit()
    set_panel(campaign, CampaignStage.SECOND, [judge.id], None)
    for candidate in candidates:
        save_judge_score(campaign, judge, candidate, JUDGE_SCORES, "")
    (agenda,) = campaigns_waiting(None)
    assert agenda.judges == ()


def test_a_manager_sees_only_their_branches_campaigns(make_campaign):
    mine, other = make_branch(name="Mine"), make_branch(name="Other")
    ours = _registered(make_campaign, mine)
    theirs = _registered(make_campaign, other)
    assert {a.campaign_id for a in campaigns_waiting(None)} == {ours.id, theirs.id}
    (agenda,) = campaigns_waiting({mine.id})
    assert agenda.campaign_id == ours.id
    assert agenda.unmanaged_branches == ("Mine",)


def test_the_dashboard_shows_what_campaigns_wait_for(client, login_as, second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    login_as(make_user(Role.ADMIN))
    page = client.get("/admin/").get_data(as_text=True)
    assert "Campaigns waiting" in page
    assert f"/admin/campaigns/{campaign.id}" in page
    assert f"/admin/campaigns/{campaign.id}/waive/{ann.id}" in page
    assert f"/admin/campaigns/{campaign.id}/evaluations" in page
    assert "Harbour has no active manager" in page


def test_the_dashboard_has_no_campaign_section_when_nothing_waits(client, login_as, app):
    login_as(make_user(Role.ADMIN))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Campaigns waiting" not in response.get_data(as_text=True)


def test_a_managers_dashboard_leaves_out_other_branches(
    client, login_as, make_campaign, manager_of
):
    mine, other = make_branch(name="Mine"), make_branch(name="Other")
    _registered(make_campaign, other, name="Their campaign")
    login_as(manager_of(mine))
    page = client.get("/admin/").get_data(as_text=True)
    assert "Their campaign" not in page and "Campaigns waiting" not in page
