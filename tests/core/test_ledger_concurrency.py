"""The ledger under concurrent requests: each thread has its own app context and session.

Runs on the fixtures' SQLite file database, and on PostgreSQL with TEST_DATABASE_URL.
"""

import pytest
from sqlalchemy import func, select

from core.database import begin_write
from core.extensions import db
from core.models import EmployeeBalance, EmployeePeriodStats, PointsEntry, Rating
from core.services.points.ledger import (
    InsufficientPoints,
    adjust_points,
    balance_of,
    count_verified_rating,
    spend_points,
)
from tests.concurrency import run_together
from tests.factories import make_employee, make_rating


def _in_one_transaction(action):
    """The action as a request runs it: write lock first, one commit."""

    def run(index: int):
        begin_write()
        result = action(index)
        db.session.commit()
        return result

    return run


@pytest.mark.parametrize("threads", [2, 20])
def test_concurrent_spends_covering_one_leave_balance_non_negative(app, threads):
    employee = make_employee()
    adjust_points(employee, 10, None, "Start")
    db.session.commit()
    employee_id = employee.id

    spend = _in_one_transaction(lambda i: spend_points(employee_id, 7, f"redemption:{i}", None).id)
    results = run_together(app, threads, spend, refused=InsufficientPoints)

    assert sum(result is not None for result in results) == 1
    db.session.rollback()  # a fresh snapshot that sees the threads' commits
    assert balance_of(employee_id) == 3
    spent = db.session.scalar(
        select(func.count()).select_from(PointsEntry).where(PointsEntry.amount == -7)
    )
    assert spent == 1


def test_concurrent_spends_of_the_whole_balance_all_pass_when_covered(app):
    employee = make_employee()
    adjust_points(employee, 20, None, "Start")
    db.session.commit()
    employee_id = employee.id

    spend = _in_one_transaction(lambda i: spend_points(employee_id, 2, f"r:{i}", None).id)
    results = run_together(app, 10, spend, refused=InsufficientPoints)

    assert None not in results
    db.session.rollback()  # a fresh snapshot that sees the threads' commits
    assert db.session.get(EmployeeBalance, employee_id).balance == 0


def test_concurrent_verifications_of_one_employee_are_all_counted(app):
    employee = make_employee()
    rating_ids = [make_rating(employee, overall=5).id for _ in range(8)]
    db.session.commit()
    employee_id = employee.id

    def count(index: int) -> int:
        count_verified_rating(db.session.get(Rating, rating_ids[index]))
        return index

    run_together(app, len(rating_ids), _in_one_transaction(count))

    db.session.rollback()  # a fresh snapshot that sees the threads' commits
    stats = db.session.get(EmployeePeriodStats, (employee_id, "2026-11"))
    assert (stats.rating_count, stats.score_sum, stats.high_count) == (8, 40.0, 8)
    assert balance_of(employee_id) == 40
