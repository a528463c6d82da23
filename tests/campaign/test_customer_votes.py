"""One vote per customer: each verified customer counts once per candidate over a campaign."""

from datetime import UTC, date, datetime, timedelta

from core.extensions import db
from core.models import Role
from core.services.campaign.registration import register_employee
from core.services.campaign.sources import customer_scores, customer_totals
from core.services.campaign.stages import advance_stage
from tests.factories import make_employee, make_rating, make_user

NOW = datetime.now(UTC)


def _rated(employee, customer: str | None, overall: int, days_ago: int, key: str):
    """A verified rating by `customer` (a hash), verified `days_ago`, in period `key`."""
    return make_rating(
        employee,
        overall,
        score=float(overall),
        customer_hash=customer,
        verified_at=NOW - timedelta(days=days_ago),
        period_key=key,
    )


def _three_month_campaign(make_campaign, branch):
    today = date.today()
    return make_campaign(
        [branch], starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=1)
    )


def test_a_customer_who_rated_in_three_months_counts_once(make_campaign, branch):
    ann = make_employee(branch=branch)
    for days_ago, key in ((70, "2026-01"), (40, "2026-02"), (10, "2026-03")):
        _rated(ann, "hash-a", 4, days_ago, key)
    db.session.commit()
    assert customer_totals(_three_month_campaign(make_campaign, branch)) == {ann.id: (1, 4.0)}


def test_two_customers_count_twice(make_campaign, branch):
    ann = make_employee(branch=branch)
    _rated(ann, "hash-a", 5, 40, "2026-02")
    _rated(ann, "hash-a", 5, 10, "2026-03")
    _rated(ann, "hash-b", 3, 10, "2026-03")
    db.session.commit()
    assert customer_totals(_three_month_campaign(make_campaign, branch)) == {ann.id: (2, 8.0)}


def test_the_latest_verified_rating_is_the_one_that_counts(make_campaign, branch):
    ann = make_employee(branch=branch)
    # Stored first, verified last: the verification time decides, not the row order.
    _rated(ann, "hash-a", 2, 5, "2026-03")
    _rated(ann, "hash-a", 5, 70, "2026-01")
    _rated(ann, "hash-a", 4, 40, "2026-02")
    db.session.commit()
    assert customer_totals(_three_month_campaign(make_campaign, branch)) == {ann.id: (1, 2.0)}


def test_one_customer_counts_once_for_each_candidate(make_campaign, branch):
    ann, bo = make_employee(branch=branch), make_employee(branch=branch)
    for employee, stars in ((ann, 5), (ann, 3), (bo, 4)):
        _rated(employee, "hash-a", stars, 10 if stars == 5 else 40, "2026-03")
    db.session.commit()
    totals = customer_totals(_three_month_campaign(make_campaign, branch))
    assert totals == {ann.id: (1, 5.0), bo.id: (1, 4.0)}


def test_ratings_outside_the_campaign_do_not_count_or_replace_the_vote(make_campaign, branch):
    ann = make_employee(branch=branch)
    _rated(ann, "hash-a", 3, 40, "2026-02")
    _rated(ann, "hash-a", 5, 200, "2025-09")  # before the campaign's days
    db.session.commit()
    assert customer_totals(_three_month_campaign(make_campaign, branch)) == {ann.id: (1, 3.0)}


def test_ratings_without_a_customer_hash_count_each(make_campaign, branch):
    ann = make_employee(branch=branch)
    _rated(ann, None, 5, 10, "2026-03")
    _rated(ann, None, 3, 10, "2026-03")
    db.session.commit()
    assert customer_totals(_three_month_campaign(make_campaign, branch)) == {ann.id: (2, 8.0)}


def test_the_score_uses_the_counted_votes_only(make_campaign, branch):
    ann, bo = make_employee(branch=branch), make_employee(branch=branch)
    for days_ago in (70, 40, 10):
        _rated(ann, "hash-a", 5, days_ago, "2026-01")
    _rated(bo, "hash-b", 1, 10, "2026-03")
    db.session.commit()
    scores = customer_scores(_three_month_campaign(make_campaign, branch))
    # Two counted ratings (5 and 1): prior 3.0; with the default prior weight the scores
    # sit symmetrically around 50, which three counted fives would have broken.
    assert round(scores[ann.id] + scores[bo.id], 9) == 100.0


def test_the_results_page_states_which_rating_counts(client, login_as, make_campaign, branch):
    ann = make_employee(branch=branch)
    _rated(ann, "hash-a", 5, 10, "2026-03")
    campaign = _three_month_campaign(make_campaign, branch)
    register_employee(campaign, ann, "Helped")
    advance_stage(campaign, None)
    login_as(make_user(Role.ADMIN))
    page = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert "counts once per candidate over the whole campaign" in page
    assert "latest verified rating counts" in page
