"""Requests hold points: open requests never add up to more than the balance.

available = balance − held (the cost of the employee's open requests); rejecting or
cancelling releases the points. Concurrent requests run on the fixtures' SQLite file and
on PostgreSQL with TEST_DATABASE_URL.
"""

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Employee, Redemption, RedemptionStatus, Reward
from core.services.points.ledger import InsufficientPoints, balance_of
from core.services.points.redemptions import (
    RedemptionError,
    approve_redemption,
    available_points,
    cancel_redemption,
    held_points,
    reject_redemption,
    request_redemption,
)
from tests.concurrency import run_together
from tests.factories import give_points, make_employee, make_reward, make_user


@pytest.fixture
def employee(app):
    employee = make_employee()
    give_points(employee, 30)
    db.session.commit()
    return employee


@pytest.fixture
def admin(app):
    admin = make_user()
    db.session.commit()
    return admin


def _reward(cost: int) -> Reward:
    reward = make_reward(cost=cost)
    db.session.commit()
    return reward


def test_a_request_holds_its_points_at_once(employee):
    request_redemption(employee, _reward(20))

    assert balance_of(employee.id) == 30, "nothing is spent before approval"
    assert held_points([employee.id]) == {employee.id: 20}
    assert available_points(employee.id) == 10


def test_a_second_request_beyond_what_is_left_is_refused_and_says_what_is_held(employee):
    request_redemption(employee, _reward(20))

    with pytest.raises(InsufficientPoints, match="10 available .20 held by open requests., 15"):
        request_redemption(employee, _reward(15))
    assert db.session.scalar(select(func.count()).select_from(Redemption)) == 1


def test_rejecting_releases_the_points(employee, admin):
    first = request_redemption(employee, _reward(20)).id

    reject_redemption(first, admin, "Out of season")

    assert available_points(employee.id) == 30
    assert request_redemption(employee, _reward(25)).status is RedemptionStatus.REQUESTED


def test_cancelling_releases_the_points(employee):
    first = request_redemption(employee, _reward(20)).id

    cancel_redemption(first, employee.id)

    db.session.rollback()
    assert db.session.get(Redemption, first).status is RedemptionStatus.CANCELLED
    assert available_points(employee.id) == 30


def test_a_decided_or_someone_elses_request_cannot_be_cancelled(employee, admin):
    other = make_employee()
    db.session.commit()
    first = request_redemption(employee, _reward(20)).id

    with pytest.raises(RedemptionError):
        cancel_redemption(first, other.id)
    approve_redemption(first, admin)
    with pytest.raises(RedemptionError):
        cancel_redemption(first, employee.id)
    assert balance_of(employee.id) == 10


def test_approval_spends_the_held_points_once(employee, admin):
    first = request_redemption(employee, _reward(20)).id

    approve_redemption(first, admin)

    assert (balance_of(employee.id), held_points([employee.id])) == (10, {})
    assert available_points(employee.id) == 10


@pytest.mark.parametrize("threads", [2, 20])
def test_simultaneous_requests_never_hold_more_than_the_balance(app, employee, threads):
    reward_id, employee_id = _reward(20).id, employee.id

    def ask(_index: int) -> int:
        employee = db.session.get(Employee, employee_id)
        return request_redemption(employee, db.session.get(Reward, reward_id)).id

    results = run_together(app, threads, ask, refused=InsufficientPoints)

    assert sum(result is not None for result in results) == 1
    db.session.rollback()  # a fresh snapshot that sees the threads' commits
    assert held_points([employee_id]) == {employee_id: 20}
