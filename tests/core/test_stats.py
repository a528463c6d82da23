"""Per-employee, per-period aggregates: kept with each rating, verified and rebuilt."""

import pytest
from sqlalchemy import select, update

from core.database import begin_write
from core.extensions import db
from core.models import (
    EmployeeBalance,
    EmployeePeriodDimension,
    EmployeePeriodStats,
    EntryKind,
    PointsEntry,
)
from core.services.points.ledger import adjust_points, reverse_rating
from core.services.ratings.aggregates import increment_row
from core.services.ratings.aggregates_check import find_drift, rebuild_aggregates
from tests.factories import make_branch, make_counted_rating, make_employee, make_rating


def stats_of(employee, period="2026-11"):
    return db.session.get(EmployeePeriodStats, (employee.id, period))


def test_counted_ratings_add_up_in_the_period_row(app):
    employee = make_employee()
    make_counted_rating(employee, overall=5, stars={"attitude": 4})
    make_counted_rating(employee, overall=3)
    stats = stats_of(employee)
    assert (stats.rating_count, stats.score_sum, stats.overall_sum, stats.high_count) == (
        2,
        7.5,
        8,
        1,
    )
    assert stats.branch_id == employee.branch_id


def test_dimension_rows_sum_the_stars_of_each_dimension(app):
    employee = make_employee()
    make_counted_rating(employee, overall=5, stars={"attitude": 4, "skill": 2})
    make_counted_rating(employee, overall=4, stars={"attitude": 5})
    rows = db.session.execute(
        select(
            EmployeePeriodDimension.dimension,
            EmployeePeriodDimension.rating_count,
            EmployeePeriodDimension.stars_sum,
        ).order_by(EmployeePeriodDimension.dimension)
    ).all()
    assert [tuple(row) for row in rows] == [("attitude", 2, 9), ("skill", 1, 2)]


def test_ratings_of_other_periods_have_their_own_rows(app):
    employee = make_employee()
    make_counted_rating(employee, overall=5, period_key="2026-10")
    make_counted_rating(employee, overall=1, period_key="2026-11")
    assert stats_of(employee, "2026-10").score_sum == 5.0
    assert stats_of(employee, "2026-11").score_sum == 1.0


def test_hidden_rating_leaves_the_aggregates(app):
    employee = make_employee()
    make_counted_rating(employee, overall=4)
    rating = make_counted_rating(employee, overall=5, stars={"skill": 5})
    reverse_rating(rating, None, "Fraudulent")
    stats = stats_of(employee)
    assert (stats.rating_count, stats.score_sum, stats.high_count) == (1, 4.0, 1)
    skill = db.session.get(EmployeePeriodDimension, (employee.id, "2026-11", "skill"))
    assert (skill.rating_count, skill.stars_sum) == (0, 0)


def test_increment_creates_the_row_when_missing(app):
    employee = make_employee()
    increment_row(EmployeeBalance, {"employee_id": employee.id}, {"balance": 4})
    increment_row(EmployeeBalance, {"employee_id": employee.id}, {"balance": 3})
    assert db.session.get(EmployeeBalance, employee.id).balance == 7


def test_consistent_aggregates_show_no_drift(app):
    employee = make_employee()
    make_counted_rating(employee, overall=5, stars={"attitude": 3})
    rating = make_counted_rating(employee, overall=2)
    reverse_rating(rating, None, "Duplicate")
    adjust_points(employee, 2, None, "Correction")
    assert find_drift() == []


@pytest.mark.parametrize(
    ("model", "values", "table"),
    [
        (EmployeePeriodStats, {"rating_count": 9}, "employee_period_stats"),
        (EmployeePeriodStats, {"score_sum": 1.5}, "employee_period_stats"),
        (EmployeePeriodDimension, {"stars_sum": 1}, "employee_period_dimension"),
        (EmployeeBalance, {"balance": 99}, "employee_balance"),
    ],
)
def test_injected_drift_is_found(app, model, values, table):
    make_counted_rating(overall=5, stars={"attitude": 3})
    db.session.execute(update(model).values(**values))
    drifts = find_drift()
    assert [drift.table for drift in drifts] == [table]


def test_missing_aggregate_row_is_drift(app):
    employee = make_employee()
    make_counted_rating(employee, overall=5)
    db.session.delete(stats_of(employee))
    db.session.flush()
    [drift] = [d for d in find_drift() if d.table == "employee_period_stats"]
    assert drift.stored is None
    assert drift.key == (employee.id, "2026-11")


def test_rebuild_repairs_drift_and_keeps_the_latest_branch(app):
    old_branch, new_branch = make_branch(), make_branch()
    employee = make_employee(branch=old_branch)
    make_counted_rating(employee, overall=5, stars={"skill": 4})
    make_counted_rating(employee, overall=3, branch_id=new_branch.id)
    db.session.execute(update(EmployeePeriodStats).values(rating_count=7, branch_id=old_branch.id))
    db.session.execute(update(EmployeeBalance).values(balance=0))
    db.session.commit()

    begin_write()
    repaired = rebuild_aggregates()

    assert {drift.table for drift in repaired} == {"employee_period_stats", "employee_balance"}
    assert find_drift() == []
    assert stats_of(employee).branch_id == new_branch.id
    assert db.session.get(EmployeeBalance, employee.id).balance == 6


def test_rating_verified_without_counting_is_drift(app):
    rating = make_rating(overall=4, stars={"skill": 2})
    tables = {drift.table for drift in find_drift()}
    assert {"rating_score", "points_entry", "employee_period_stats"} <= tables
    assert rating.score is None


def test_rebuild_scores_and_credits_a_rating_verified_without_counting(app):
    rating = make_rating(overall=4, stars={"skill": 2})
    db.session.commit()

    begin_write()
    rebuild_aggregates()

    assert find_drift() == []
    assert rating.score == 3.0
    entry = db.session.scalars(select(PointsEntry)).one()
    assert (entry.kind, entry.amount, entry.source_key) == (
        EntryKind.EARNED,
        3,
        f"rating:{rating.id}",
    )
    assert stats_of(rating.employee).rating_count == 1
