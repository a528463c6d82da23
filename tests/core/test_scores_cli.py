"""`flask scores verify` and `flask scores rebuild`."""

from sqlalchemy import update

from core.extensions import db
from core.models import EmployeeBalance, EmployeePeriodStats
from core.services.ratings.aggregates_check import find_drift
from tests.factories import make_counted_rating, make_employee


def counted_data():
    employee = make_employee()
    make_counted_rating(employee, overall=5, stars={"attitude": 4})
    make_counted_rating(employee, overall=3)
    db.session.commit()
    return employee


def test_verify_passes_on_consistent_data(app, runner):
    counted_data()
    result = runner.invoke(args=["scores", "verify"])
    assert result.exit_code == 0
    assert "match" in result.output


def test_verify_reports_injected_drift_and_exits_non_zero(app, runner):
    employee = counted_data()
    db.session.execute(update(EmployeePeriodStats).values(rating_count=40))
    db.session.execute(update(EmployeeBalance).values(balance=1))
    db.session.commit()
    result = runner.invoke(args=["scores", "verify"])
    assert result.exit_code == 1
    assert f"employee_period_stats {employee.id}/2026-11" in result.output
    assert f"employee_balance {employee.id}" in result.output


def test_rebuild_repairs_drift_so_verify_passes(app, runner):
    employee = counted_data()
    db.session.execute(update(EmployeeBalance).values(balance=1))
    db.session.commit()
    result = runner.invoke(args=["scores", "rebuild"])
    assert result.exit_code == 0
    assert "1 rows were drifted" in result.output
    db.session.rollback()
    assert find_drift() == []
    assert db.session.get(EmployeeBalance, employee.id).balance == 6
    assert runner.invoke(args=["scores", "verify"]).exit_code == 0
