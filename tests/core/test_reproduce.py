"""`flask scores verify` recomputes published award periods and campaign stages."""

import copy
from datetime import UTC, datetime

from sqlalchemy import select, update

from core.extensions import db
from core.models import AwardSnapshot, CampaignStage, Employee, Rating, StageResult
from core.services.awards.publishing import publish_period
from core.services.awards.reproduce import reproduce_published
from core.services.awards.winners import add_winner
from core.services.campaign.registration import register_employee
from core.services.campaign.setup import create_campaign
from core.services.campaign.stages import advance_stage
from tests.campaign.conftest import campaign_data
from tests.factories import make_award_period, make_branch, make_counted_rating, make_employee

IN_PERIOD = datetime(2026, 11, 10, 12, tzinfo=UTC)
CUSTOMER_ONLY = {stage: {"customer": 100} for stage in ("preliminary", "second", "final")}


def rate(employee, overall: int, times: int = 3) -> None:
    """Counted ratings verified now (inside the campaign's days)."""
    for _ in range(times):
        make_counted_rating(employee, overall)
    db.session.commit()


def _published_award():
    star, rival = make_employee(display_name="Star"), make_employee(display_name="Rival")
    for employee, stars in ((star, [5, 5, 4, 5]), (rival, [4, 4, 3])):
        for overall in stars:
            make_counted_rating(employee, overall, created_at=IN_PERIOD)
    period = make_award_period()
    db.session.commit()
    add_winner(period.categories[0], star, "Always kind.", None)
    publish_period(period.id, None)
    return period.id, star.id


def _published_stage():
    branch = make_branch()
    ann, bo = make_employee(branch=branch), make_employee(branch=branch)
    rate(ann, 5)
    rate(bo, 3)
    data = campaign_data([branch], preliminary_pass=1, weights=CUSTOMER_ONLY)
    campaign = create_campaign(data, actor=None)
    for employee in (ann, bo):
        register_employee(campaign, employee, "Helped")
    advance_stage(campaign, None)  # registration -> preliminary
    advance_stage(campaign, None)  # preliminary closes: its results are frozen
    return campaign.id, ann.id


def test_healthy_database_has_zero_differences(app, runner):
    _published_award()
    _published_stage()

    result = runner.invoke(args=["scores", "verify"])

    assert result.exit_code == 0, result.output
    assert "2 published results reproduce from the stored data (0 differences)" in result.output


def test_tampered_rating_is_reported(app, runner):
    period_id, star_id = _published_award()
    rating_id = db.session.scalar(select(Rating.id).where(Rating.employee_id == star_id))
    db.session.execute(update(Rating).where(Rating.id == rating_id).values(score=1.0))
    db.session.commit()

    result = runner.invoke(args=["scores", "verify"])

    assert result.exit_code == 1
    assert f"award period {period_id} Service Star: employee {star_id} score frozen" in (
        result.output
    )


def test_tampered_snapshot_is_reported(app):
    period_id, star_id = _published_award()
    snapshot = db.session.scalar(select(AwardSnapshot))
    results = copy.deepcopy(snapshot.results)
    results["categories"][0]["candidates"][0]["count"] = 40
    snapshot.results = results
    db.session.commit()

    (difference,) = reproduce_published().differences

    assert (difference.employee_id, difference.field) == (star_id, "count")
    assert (difference.frozen, difference.recomputed) == (40, 4)


def test_employee_barred_after_publishing_changes_nothing(app):
    _period_id, star_id = _published_award()
    db.session.execute(update(Employee).values(active=False, disciplinary_flag=True))
    db.session.commit()

    assert reproduce_published().differences == []


def test_tampered_stage_result_is_reported(app, runner):
    campaign_id, ann_id = _published_stage()
    db.session.execute(
        update(StageResult)
        .where(StageResult.employee_id == ann_id, StageResult.stage == CampaignStage.PRELIMINARY)
        .values(total=12.5, passed=False)
    )
    db.session.commit()

    result = runner.invoke(args=["scores", "verify"])

    assert result.exit_code == 1
    assert f"campaign {campaign_id} preliminary: employee {ann_id} total frozen 12.5" in (
        result.output
    )
    assert f"employee {ann_id} passed frozen False, recomputed True" in result.output


def test_ratings_after_the_close_leave_a_frozen_stage_as_it_was(app, runner):
    """A stage is recomputed as of its freeze: later ratings belong to the next stage."""
    campaign_id, ann_id = _published_stage()
    rate(db.session.get(Employee, ann_id), 1)

    result = runner.invoke(args=["scores", "verify"])

    assert result.exit_code == 0, result.output
    assert f"campaign {campaign_id}" not in result.output
    assert "0 differences" in result.output
