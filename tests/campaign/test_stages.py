"""Stages advance in order; each ranked stage is frozen as a snapshot when it closes."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from core.extensions import db
from core.models import Campaign, CampaignStage, Role, VoteTally
from core.models.campaign import JUDGE_CRITERIA
from core.services.campaign.evaluations import save_judge_score
from core.services.campaign.registration import register_employee
from core.services.campaign.results import published_results, published_winners, stage_results
from core.services.campaign.rounds import CampaignError, round_candidates
from core.services.campaign.setup import create_campaign, set_panel
from core.services.campaign.stages import StageHasGaps, advance_stage
from tests.campaign.conftest import CUSTOMER_ONLY, campaign_data, rate, waive_gaps
from tests.factories import make_employee, make_user


def _registered(campaign, branch, *specs):
    """Employees (name, stars, extra fields) with three ratings each, registered."""
    people = []
    for name, stars, extra in specs:
        employee = make_employee(branch=branch, display_name=name, **extra)
        if stars:
            rate(employee, stars)
        people.append(employee)
    db.session.commit()
    for employee in people:
        register_employee(campaign, employee, "Helped")
    return people


def test_stages_advance_in_order_to_published(make_campaign, branch):
    campaign = make_campaign([branch], weights=CUSTOMER_ONLY)
    _registered(campaign, branch, ("Ann", 5, {}))
    seen = [advance_stage(campaign, None) for _ in range(4)]
    assert seen == [
        CampaignStage.PRELIMINARY,
        CampaignStage.SECOND,
        CampaignStage.FINAL,
        CampaignStage.PUBLISHED,
    ]
    with pytest.raises(CampaignError):
        advance_stage(campaign, None)


def test_registration_without_registrants_cannot_close(make_campaign, branch):
    campaign = make_campaign([branch])
    with pytest.raises(CampaignError):
        advance_stage(campaign, None)
    assert campaign.stage is CampaignStage.REGISTRATION


def test_preliminary_screens_out_few_ratings_inactive_and_flagged(make_campaign, branch):
    campaign = make_campaign([branch], min_ratings=3)
    specs = [("Ok", 5, {}), ("Few", 0, {}), ("Flagged", 5, {}), ("Gone", 5, {})]
    _ok, _few, flagged, gone = _registered(campaign, branch, *specs)
    flagged.disciplinary_flag = True
    gone.active = False
    db.session.commit()
    advance_stage(campaign, None)
    results = {
        r.employee.display_name: r for r in stage_results(campaign, CampaignStage.PRELIMINARY)
    }
    assert results["Ok"].rank == 1
    assert results["Few"].rank is None and "0 of 3" in results["Few"].screened_out
    assert results["Flagged"].rank is None and results["Flagged"].screened_out
    assert results["Gone"].rank is None and results["Gone"].screened_out


def test_the_preliminary_passes_on_the_configured_number(make_campaign, branch):
    campaign = make_campaign([branch], preliminary_pass=2)
    _registered(campaign, branch, ("Ann", 5, {}), ("Bo", 4, {}), ("Cy", 2, {}))
    advance_stage(campaign, None)
    advance_stage(campaign, None)
    names = [e.display_name for e in round_candidates(campaign, CampaignStage.SECOND)]
    assert names == ["Ann", "Bo"]
    tallies = db.session.query(VoteTally).filter_by(campaign_id=campaign.id).count()
    assert tallies == 2


def test_publishing_a_stage_freezes_its_results(make_campaign, branch):
    campaign = make_campaign([branch], preliminary_pass=1)
    ann, bo = _registered(campaign, branch, ("Ann", 5, {}), ("Bo", 4, {}))
    advance_stage(campaign, None)
    advance_stage(campaign, None)
    before = [
        (r.employee_name, r.rank, r.total, r.passed)
        for r in published_results(campaign, CampaignStage.PRELIMINARY)
    ]
    rate(ann, 1, times=20)  # later ratings change the live results...
    live = stage_results(campaign, CampaignStage.PRELIMINARY)
    assert live[0].employee.display_name == "Bo"
    after = [
        (r.employee_name, r.rank, r.total, r.passed)
        for r in published_results(campaign, CampaignStage.PRELIMINARY)
    ]
    assert after == before  # ...but not the snapshot
    assert before[0][0] == "Ann" and before[0][3] is True


def test_the_breakdown_lists_each_weighted_source(make_campaign, branch):
    campaign = make_campaign([branch])
    _registered(campaign, branch, ("Ann", 5, {}))
    advance_stage(campaign, None)
    advance_stage(campaign, None)
    (live,) = stage_results(campaign, CampaignStage.SECOND)
    lines = {line.source: line for line in live.result.lines}
    assert set(lines) == {"customer", "supervisor", "colleagues", "judges"}
    assert lines["customer"].missing is False
    assert lines["judges"].missing is True and lines["judges"].contribution == 0
    waive_gaps(campaign)
    advance_stage(campaign, None)
    (row,) = published_results(campaign, CampaignStage.SECOND)
    lines = {line["source"]: line for line in row.lines}
    assert lines["customer"]["weight"] == 100  # the only source left
    assert lines["judges"]["waived"] is True and lines["judges"]["missing"] is False
    assert row.total == pytest.approx(lines["customer"]["raw"])


def test_a_stage_with_a_missing_source_does_not_close(make_campaign, branch):
    campaign = make_campaign([branch])
    _registered(campaign, branch, ("Ann", 5, {}))
    advance_stage(campaign, None)
    advance_stage(campaign, None)
    with pytest.raises(StageHasGaps, match="Ann lack a source"):
        advance_stage(campaign, None)
    db.session.rollback()
    assert db.session.get(Campaign, campaign.id).stage is CampaignStage.SECOND
    assert published_results(campaign, CampaignStage.SECOND) == []


def test_ties_are_broken_by_customer_score(make_campaign, branch):
    weights = {**CUSTOMER_ONLY, "final": {"judges": 100}}
    campaign = make_campaign([branch], weights=weights)
    judge = make_user(Role.JUDGE)
    db.session.commit()
    set_panel(campaign, CampaignStage.FINAL, [judge.id], None)
    ann, bo = _registered(campaign, branch, ("Ann", 4, {}), ("Bo", 5, {}))
    for _ in range(3):
        advance_stage(campaign, None)
    marks = dict.fromkeys(JUDGE_CRITERIA[CampaignStage.FINAL], 7)
    for candidate in (ann, bo):
        save_judge_score(campaign, judge, candidate, marks, "")
    results = stage_results(campaign, CampaignStage.FINAL)
    assert [r.result.total for r in results] == [66.67, 66.67]  # (7 - 1) / 9 * 100
    assert [r.employee.display_name for r in results] == ["Bo", "Ann"]


def test_final_winners_appear_once_published(make_campaign, branch):
    campaign = make_campaign([branch], winners=1, weights=CUSTOMER_ONLY)
    _registered(campaign, branch, ("Ann", 5, {}), ("Bo", 3, {}))
    for _ in range(3):
        advance_stage(campaign, None)
    assert published_winners() == []
    advance_stage(campaign, None)
    assert [w.employee_name for w in published_winners()] == ["Ann"]


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"preliminary": {"customer": 90}}, "weights_preliminary"),
        ({"preliminary": {"customer": 50, "supervisor": 50}}, "weights_preliminary"),
        (
            {"preliminary": {"customer": 100}, "second": {"customer": 50, "judges": 60}},
            "weights_second",
        ),
        (
            {
                "preliminary": {"customer": 100},
                "second": {"customer": 100},
                "final": {"customer": -10, "self": 110},
            },
            "weights_final",
        ),
    ],
)
def test_weights_that_do_not_total_100_are_refused(app, branch, weights, field):
    db.session.commit()
    with pytest.raises(CampaignError) as error:
        create_campaign(campaign_data([branch], weights=weights), actor=None)
    assert error.value.field == field


def test_dates_out_of_order_are_refused(app, branch):
    data = campaign_data([branch])
    data.ends_on, data.starts_on = data.starts_on, data.ends_on
    with pytest.raises(CampaignError) as error:
        create_campaign(data, actor=None)
    assert error.value.field == "ends_on"


def test_a_campaign_needs_a_branch(app):
    with pytest.raises(CampaignError) as error:
        create_campaign(campaign_data([]), actor=None)
    assert error.value.field == "branch_ids"


def test_two_simultaneous_advances_move_one_stage(app, make_campaign, branch):
    campaign = make_campaign([branch])
    _registered(campaign, branch, ("Ann", 5, {}), ("Bo", 4, {}))
    advance_stage(campaign, None)  # to the preliminary: the next close freezes results
    campaign_id = campaign.id
    db.session.commit()
    barrier = threading.Barrier(2)

    def advance(_index: int) -> str:
        with app.app_context(), app.test_request_context():
            barrier.wait()
            try:
                return advance_stage(db.session.get(Campaign, campaign_id), None).value
            except CampaignError:
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(advance, range(2)))
    assert outcomes == ["refused", "second"]
    db.session.rollback()
    assert len(published_results(campaign, CampaignStage.PRELIMINARY)) == 2
