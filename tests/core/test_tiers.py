"""Score tiers at period end: fixed once, entered once, corrected after a hidden rating.

Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import EntryKind, PeriodTier, PointsEntry, Rating, RedemptionStatus
from core.services.people.employees import issue_private_link
from core.services.periods import current_period_key
from core.services.points.ledger import balance_of
from core.services.points.redemptions import RewardUnavailable, request_redemption
from core.services.points.tiers import PeriodNotOver, close_period, earned_in_period
from core.services.ratings.moderation import hide_rating
from tests.factories import make_counted_rating, make_employee, make_reward, make_user

PERIOD = "2026-10"
IN_PERIOD = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)


def _rate(employee, stars: list[int]):
    return [
        make_counted_rating(employee, s, period_key=PERIOD, verified_at=IN_PERIOD) for s in stars
    ]


def _tier_entries(employee_id: int) -> list[PointsEntry]:
    db.session.rollback()
    query = select(PointsEntry).where(
        PointsEntry.employee_id == employee_id, PointsEntry.kind == EntryKind.TIER
    )
    return list(db.session.scalars(query.order_by(PointsEntry.id)))


@pytest.fixture
def staff(app):
    """A star (ten 5-star ratings), an average one, and one with too few ratings."""
    star, average, newcomer = make_employee(), make_employee(), make_employee()
    _rate(star, [5] * 10)
    _rate(average, [3] * 10)
    _rate(newcomer, [5])
    db.session.commit()
    return star, average, newcomer


def test_closing_fixes_tiers_and_enters_the_extra_once(staff):
    star, average, newcomer = staff

    results = {r.employee_id: r for r in close_period(PERIOD, None)}
    again = close_period(PERIOD, None)

    assert again == [], "a second close enters nothing"
    assert results[star.id].tier > results[average.id].tier
    assert results[newcomer.id].tier == 1, "too few ratings: the first tier"
    assert results[star.id].earned == 50  # ten 5-star ratings at 5 points
    # The default top tier: floor(50 x 0.5) + 30.
    assert results[star.id].extra == 55
    [entry] = _tier_entries(star.id)
    assert (entry.amount, entry.source_key) == (55, f"tier:{PERIOD}:{star.id}")
    assert "tier 4" in entry.reason
    assert balance_of(star.id) == 50 + 55
    assert _tier_entries(newcomer.id) == [], "no extra, no entry"


def test_a_hidden_rating_corrects_the_extra_with_a_new_entry(staff):
    star, _average, _newcomer = staff
    admin = make_user()
    db.session.commit()
    close_period(PERIOD, admin)
    rating = _first_rating_of(star)

    hide_rating(rating, admin, "Written by a relative")

    entries = _tier_entries(star.id)
    # Earned fell from 50 to 45: floor(45 x 0.5) + 30 = 52, three less than 55.
    assert [e.amount for e in entries] == [55, -3]
    assert entries[1].source_key == f"tier:{PERIOD}:{star.id}:hidden:{rating.id}"
    row = db.session.get(PeriodTier, (PERIOD, star.id))
    assert (row.earned, row.extra) == (45, 52)


def _first_rating_of(star) -> Rating:
    db.session.rollback()
    return db.session.scalars(
        select(Rating).where(Rating.employee_id == star.id).order_by(Rating.id)
    ).first()


def test_a_period_not_over_is_not_closed(app):
    with pytest.raises(PeriodNotOver):
        close_period("2999-01", None)
    with pytest.raises(PeriodNotOver):
        close_period("not-a-period", None)


def test_earned_is_net_of_reversals(staff):
    star, _average, _newcomer = staff

    assert earned_in_period(PERIOD, [star.id]) == {star.id: 50}


def test_cli_closes_the_period_named(staff, runner):
    result = runner.invoke(args=["points", "close-period", PERIOD])

    assert result.exit_code == 0, result.output
    assert "3 employees' tiers fixed" in result.output
    assert runner.invoke(args=["points", "close-period", "2999-01"]).exit_code != 0


def test_the_private_page_shows_the_tier_its_extra_and_the_next_tier(app, client, staff):
    star, average, _newcomer = staff
    close_period(PERIOD, None)
    make_counted_rating(average, 4, period_key=current_period_key())  # unranked yet
    db.session.commit()

    star_page = client.get(_private_path(app, star)).get_data(as_text=True)
    average_page = client.get(_private_path(app, average)).get_data(as_text=True)

    assert f"Score tier of {PERIOD}" in star_page, "the ledger line says what the entry is for"
    assert f"{PERIOD}: tier 4, +55" in star_page
    assert "Tier 1 so far: 3 points from ratings, 0 extra" in average_page
    assert "a few more ratings this period to be ranked" in average_page


def _private_path(app, employee) -> str:
    return issue_private_link(employee).removeprefix(app.config["PUBLIC_BASE_URL"])


def test_a_reward_reserved_for_a_tier_waits_for_that_tier(staff):
    star, average, _newcomer = staff
    close_period(PERIOD, None)
    reserved = make_reward(name="Spa day", cost=10, min_tier=3)
    db.session.commit()

    assert request_redemption(star, reserved).status is RedemptionStatus.REQUESTED
    with pytest.raises(RewardUnavailable, match="reserved for score tier 3 and up"):
        request_redemption(average, reserved)
