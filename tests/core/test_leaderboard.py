"""Leaderboards read from the aggregates: fair scores, eligibility, branches, rank changes."""

from datetime import UTC, datetime

import pytest

from core.services.periods import current_period_key
from core.services.points.ledger import reverse_rating
from core.services.ratings.leaderboard import employee_standing, leaderboard
from tests.factories import make_branch, make_counted_rating, make_employee


def rate(employee, *overalls, period="2026-11", **kw):
    for overall in overalls:
        make_counted_rating(employee, overall=overall, period_key=period, **kw)


def names(rows):
    return [row.name for row in rows]


def test_one_five_star_rating_does_not_beat_a_long_record_of_high_ones(app):
    lucky = make_employee(display_name="Lucky")
    steady = make_employee(display_name="Steady")
    rate(lucky, 5, 5, 5)
    rate(steady, *([5] * 40 + [4] * 10))
    rate(make_employee(display_name="Average"), *([3] * 30))
    assert names(leaderboard("2026-11")) == ["Steady", "Lucky", "Average"]


def test_rows_carry_count_means_share_and_rank(app):
    employee = make_employee(display_name="Ann")
    rate(employee, 5, 4, 2, stars={"attitude": 4})
    [row] = leaderboard("2026-11")
    assert (row.rank, row.count, row.eligible) == (1, 3, True)
    assert row.mean == pytest.approx((4.5 + 4 + 3) / 3)
    assert row.high_share == pytest.approx(2 / 3)
    assert row.dimensions == {"attitude": 4.0}
    assert row.display_score == "3.83"


def test_employees_below_the_minimum_count_are_listed_unranked_after_the_ranked(app):
    rate(make_employee(display_name="Few"), 5, 5)
    rate(make_employee(display_name="Enough"), 3, 3, 3)
    rows = leaderboard("2026-11")
    assert [(r.name, r.rank, r.eligible) for r in rows] == [
        ("Enough", 1, True),
        ("Few", None, False),
    ]


def test_minimum_count_comes_from_config(app):
    app.config["SCORE_MIN_COUNT"] = 1
    rate(make_employee(display_name="One"), 5)
    assert leaderboard("2026-11")[0].rank == 1


def test_barred_and_inactive_employees_are_not_ranked(app):
    rate(make_employee(display_name="Barred", disciplinary_flag=True), 5, 5, 5)
    rate(make_employee(display_name="Gone", active=False), 5, 5, 5)
    rate(make_employee(display_name="Kept"), 4, 4, 4)
    rows = leaderboard("2026-11")
    assert [(r.name, r.rank) for r in rows] == [("Kept", 1), ("Barred", None)]


def test_ties_go_to_more_ratings_then_name(app):
    rate(make_employee(display_name="bob"), 4, 4, 4)
    rate(make_employee(display_name="Alice"), 4, 4, 4)
    rate(make_employee(display_name="Carol"), 4, 4, 4, 4)
    assert names(leaderboard("2026-11")) == ["Carol", "Alice", "bob"]


def test_branch_ranking_uses_the_mean_of_the_whole_period(app):
    north, south = make_branch(name="North"), make_branch(name="South")
    rate(make_employee(branch=north, display_name="Few"), 5, 5, 5)
    rate(make_employee(branch=north, display_name="Many"), *([4] * 20))
    rate(make_employee(branch=south, display_name="Low"), *([1] * 100))
    # Against the period mean (about 1.8) three fives shrink far more than twenty fours.
    rows = leaderboard("2026-11", branch_id=north.id)
    assert [(r.name, r.rank, r.branch_name) for r in rows] == [
        ("Many", 1, "North"),
        ("Few", 2, "North"),
    ]


def test_rank_change_against_the_previous_period(app):
    climber = make_employee(display_name="Climber")
    faller = make_employee(display_name="Faller")
    newcomer = make_employee(display_name="Newcomer")
    rate(faller, 5, 5, 5, period="2026-10")
    rate(climber, 3, 3, 3, period="2026-10")
    rate(climber, 5, 5, 5)
    rate(faller, 4, 4, 4)
    rate(newcomer, 2, 2, 2)
    rows = leaderboard("2026-11")
    assert [(r.name, r.previous_rank, r.change) for r in rows] == [
        ("Climber", 2, 1),
        ("Faller", 1, -1),
        ("Newcomer", None, None),
    ]


def test_hidden_ratings_no_longer_count(app):
    employee = make_employee(display_name="Ann")
    rate(employee, 4, 4, 4)
    fraud = make_counted_rating(employee, overall=1)
    reverse_rating(fraud, None, "Fraudulent")
    [row] = leaderboard("2026-11")
    assert (row.count, row.mean) == (3, 4.0)


def test_empty_period_gives_an_empty_leaderboard(app):
    rate(make_employee(), 5, 5, 5, period="2026-10")
    assert leaderboard("2026-11") == []


def test_standing_gives_overall_and_branch_places(app):
    north, south = make_branch(), make_branch()
    rate(make_employee(branch=south, display_name="Top"), 5, 5, 5, 5)
    me = make_employee(branch=north, display_name="Me")
    rate(me, 4, 4, 4)
    rate(make_employee(branch=north, display_name="Low"), 2, 2, 2)
    standing = employee_standing(me.id, "2026-11")
    assert (standing.overall.rank, standing.ranked_overall) == (2, 3)
    assert (standing.in_branch.rank, standing.ranked_in_branch) == (1, 2)


def test_standing_without_ratings_is_none(app):
    assert employee_standing(make_employee().id, "2026-11") is None


@pytest.mark.parametrize(
    ("moment", "kind", "key"),
    [
        (datetime(2026, 11, 30, 20, 0, tzinfo=UTC), "month", "2026-12"),
        (datetime(2026, 11, 30, 15, 0, tzinfo=UTC), "month", "2026-11"),
        (datetime(2026, 11, 30, 20, 0, tzinfo=UTC), "quarter", "2026-Q4"),
    ],
)
def test_current_period_is_seen_from_the_business_time_zone(app, moment, kind, key):
    app.config.update(TIME_ZONE="Asia/Shanghai", PERIOD_KIND=kind)
    assert current_period_key(moment) == key
