"""Award periods under concurrent admins: the quota holds, a period is published once.

Runs on the fixtures' SQLite file database, and on PostgreSQL with TEST_DATABASE_URL.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEntry, AwardCategory, AwardSnapshot, AwardWinner, Employee
from core.services.awards.publishing import publish_period
from core.services.awards.winners import AwardError, add_winner
from tests.concurrency import run_together
from tests.factories import make_award_period, make_counted_rating, make_employee


def _eligible_employees(count: int) -> list[int]:
    employees = [make_employee() for _ in range(count)]
    for employee in employees:
        for _ in range(3):
            make_counted_rating(employee, 5, created_at=datetime(2026, 11, 10, 12, tzinfo=UTC))
    return [employee.id for employee in employees]


@pytest.mark.parametrize("threads", [2, 8])
def test_concurrent_winners_stay_within_the_quota(app, threads):
    employee_ids = _eligible_employees(threads)
    category_id = make_award_period().categories[0].id
    db.session.commit()

    def add(index: int) -> int:
        category = db.session.get(AwardCategory, category_id)
        employee = db.session.get(Employee, employee_ids[index])
        return add_winner(category, employee, "Kind.", None).id

    results = run_together(app, threads, add, refused=AwardError)

    assert sum(result is not None for result in results) == 1
    db.session.rollback()  # a fresh snapshot that sees the threads' commits
    assert db.session.scalar(select(func.count()).select_from(AwardWinner)) == 1


def test_two_admins_publishing_at_once_publish_once(app):
    (employee_id,) = _eligible_employees(1)
    period = make_award_period()
    db.session.commit()
    add_winner(period.categories[0], db.session.get(Employee, employee_id), "Kind.", None)
    period_id = period.id

    def publish(_index: int) -> int:
        return publish_period(period_id, None).id

    results = run_together(app, 2, publish, refused=AwardError)

    assert sum(result is not None for result in results) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AwardSnapshot)) == 1
    published = select(func.count()).where(AuditEntry.action == "award_period.publish")
    assert db.session.scalar(published) == 1
