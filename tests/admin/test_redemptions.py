"""Redemptions: request, approve (points and stock both or neither), reject, fulfil, races."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import (
    AuditEntry,
    EntryKind,
    PointsEntry,
    Redemption,
    RedemptionStatus,
    Reward,
    Role,
)
from core.services import DomainError
from core.services.points.ledger import InsufficientPoints, balance_of
from core.services.points.redemptions import (
    OutOfStock,
    RedemptionError,
    RewardUnavailable,
    approve_redemption,
    fulfil_redemption,
    reject_redemption,
    request_redemption,
)
from tests.factories import give_points, make_employee, make_redemption, make_reward, make_user


def _status(redemption_id: int) -> RedemptionStatus:
    db.session.rollback()
    return db.session.get(Redemption, redemption_id).status


def test_request_keeps_the_cost_and_spends_nothing(app):
    employee = make_employee()
    give_points(employee, 30)
    reward = make_reward(cost=20)
    db.session.commit()

    redemption = request_redemption(employee, reward)

    assert redemption.status is RedemptionStatus.REQUESTED
    assert redemption.cost == 20
    assert balance_of(employee.id) == 30


def test_request_beyond_the_balance_is_refused(app):
    employee = make_employee()
    give_points(employee, 5)
    reward = make_reward(cost=20)
    db.session.commit()

    with pytest.raises(InsufficientPoints):
        request_redemption(employee, reward)
    assert db.session.scalar(select(func.count()).select_from(Redemption)) == 0


@pytest.mark.parametrize("reward_kw", [{"active": False}, {"stock": 0}])
def test_request_of_unavailable_reward_is_refused(app, reward_kw):
    employee = make_employee()
    give_points(employee, 50)
    reward = make_reward(cost=10, **reward_kw)
    db.session.commit()

    with pytest.raises(RewardUnavailable):
        request_redemption(employee, reward)


def test_approval_spends_points_and_takes_stock(app):
    admin = make_user(Role.ADMIN)
    employee = make_employee()
    give_points(employee, 30)
    reward = make_reward(cost=20, stock=2)
    db.session.commit()
    redemption_id = request_redemption(employee, reward).id

    approve_redemption(redemption_id, admin)

    db.session.rollback()
    assert _status(redemption_id) is RedemptionStatus.APPROVED
    assert balance_of(employee.id) == 10
    assert db.session.get(Reward, reward.id).stock == 1
    entry = db.session.scalar(select(PointsEntry).where(PointsEntry.kind == EntryKind.REDEEMED))
    assert (entry.amount, entry.source_key) == (-20, f"redemption:{redemption_id}")
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "redemption.approve"))


def test_approval_without_stock_spends_no_points(app):
    employee = make_employee()
    give_points(employee, 30)
    reward = make_reward(cost=10, stock=1)
    first = make_redemption(employee, reward).id
    second = make_redemption(employee, reward).id
    db.session.commit()
    approve_redemption(first, None)

    with pytest.raises(OutOfStock):
        approve_redemption(second, None)

    assert _status(second) is RedemptionStatus.REQUESTED
    assert balance_of(employee.id) == 20
    assert db.session.get(Reward, reward.id).stock == 0


def test_approval_beyond_the_balance_changes_nothing(app):
    employee = make_employee()
    give_points(employee, 10)
    reward = make_reward(cost=8, stock=5)
    first = make_redemption(employee, reward).id
    second = make_redemption(employee, reward).id
    db.session.commit()
    approve_redemption(first, None)

    with pytest.raises(InsufficientPoints) as refused:
        approve_redemption(second, None)

    with app.test_request_context():
        assert "8 needed, 2 left" in str(refused.value)

    assert _status(second) is RedemptionStatus.REQUESTED
    assert db.session.get(Reward, reward.id).stock == 4


def test_second_approval_of_one_request_is_refused(app):
    employee = make_employee()
    give_points(employee, 50)
    redemption_id = make_redemption(employee, make_reward(cost=10)).id
    db.session.commit()
    approve_redemption(redemption_id, None)

    with pytest.raises(RedemptionError):
        approve_redemption(redemption_id, None)
    assert balance_of(employee.id) == 40


def test_reject_needs_a_reason_and_spends_nothing(app):
    employee = make_employee()
    give_points(employee, 50)
    redemption_id = make_redemption(employee, make_reward(cost=10)).id
    db.session.commit()

    with pytest.raises(DomainError):
        reject_redemption(redemption_id, None, "  ")
    reject_redemption(redemption_id, None, "Not this month")

    assert _status(redemption_id) is RedemptionStatus.REJECTED
    assert db.session.get(Redemption, redemption_id).note == "Not this month"
    assert balance_of(employee.id) == 50


def test_only_approved_requests_are_fulfilled(app):
    employee = make_employee()
    give_points(employee, 50)
    redemption_id = make_redemption(employee, make_reward(cost=10)).id
    db.session.commit()

    with pytest.raises(RedemptionError):
        fulfil_redemption(redemption_id, None)
    approve_redemption(redemption_id, None)
    fulfil_redemption(redemption_id, None)

    assert _status(redemption_id) is RedemptionStatus.FULFILLED


def _approve_together(app, redemption_ids: list[int]) -> list[str]:
    barrier = threading.Barrier(len(redemption_ids))

    def worker(redemption_id: int) -> str:
        with app.app_context():
            barrier.wait()
            try:
                approve_redemption(redemption_id, None)
                return "approved"
            except InsufficientPoints:
                return "points"
            except OutOfStock:
                return "stock"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=len(redemption_ids)) as pool:
        return list(pool.map(worker, redemption_ids))


def test_concurrent_approvals_beyond_the_balance_only_those_that_fit_pass(app):
    employee = make_employee()
    give_points(employee, 25)
    reward = make_reward(cost=10)
    ids = [make_redemption(employee, reward).id for _ in range(6)]
    db.session.commit()

    results = _approve_together(app, ids)

    assert results.count("approved") == 2
    assert results.count("points") == 4
    db.session.rollback()
    assert balance_of(employee.id) == 5
    approved = db.session.scalar(
        select(func.count())
        .select_from(Redemption)
        .where(Redemption.status == RedemptionStatus.APPROVED)
    )
    assert approved == 2


def test_concurrent_approvals_beyond_the_stock_only_those_that_fit_pass(app):
    reward = make_reward(cost=5, stock=3)
    ids = []
    for _ in range(6):
        employee = make_employee()
        give_points(employee, 5)
        ids.append(make_redemption(employee, reward).id)
    db.session.commit()

    results = _approve_together(app, ids)

    assert results.count("approved") == 3
    assert results.count("stock") == 3
    db.session.rollback()
    assert db.session.get(Reward, reward.id).stock == 0
    spent = db.session.scalar(
        select(func.count()).select_from(PointsEntry).where(PointsEntry.kind == EntryKind.REDEEMED)
    )
    assert spent == 3


def test_admin_approves_from_the_list(admin_client, app):
    employee = make_employee()
    give_points(employee, 30)
    redemption_id = make_redemption(employee, make_reward(cost=10)).id
    db.session.commit()

    listing = admin_client.get("/admin/redemptions")
    response = admin_client.post(f"/admin/redemptions/{redemption_id}/approve")

    assert listing.status_code == 200
    assert response.status_code == 302
    assert _status(redemption_id) is RedemptionStatus.APPROVED


def test_request_list_shows_each_employees_balance_and_held_points(admin_client, app):
    employee = make_employee()
    give_points(employee, 30)
    make_redemption(employee, make_reward(cost=10))
    make_redemption(employee, make_reward(cost=5))
    db.session.commit()

    text = admin_client.get("/admin/redemptions").get_data(as_text=True)

    assert text.count("Balance 30, held 15") == 2


def test_refused_approval_flashes_why(admin_client, app):
    employee = make_employee()
    give_points(employee, 5)
    redemption_id = make_redemption(employee, make_reward(name="Cinema", cost=10)).id
    db.session.commit()

    response = admin_client.post(
        f"/admin/redemptions/{redemption_id}/approve", follow_redirects=True
    )

    assert "Not enough points" in response.get_data(as_text=True)
    assert _status(redemption_id) is RedemptionStatus.REQUESTED


def test_reject_without_reason_is_refused(admin_client, app):
    redemption_id = make_redemption().id
    db.session.commit()

    response = admin_client.post(f"/admin/redemptions/{redemption_id}/reject", data={"reason": ""})

    assert response.status_code == 400
    assert _status(redemption_id) is RedemptionStatus.REQUESTED


def test_manager_sees_only_own_branch_requests(manager_client, branch_a, branch_b):
    mine = make_redemption(make_employee(branch=branch_a, display_name="Mine Person"))
    other = make_redemption(make_employee(branch=branch_b, display_name="Other Person"))
    db.session.commit()

    page = manager_client.get("/admin/redemptions").get_data(as_text=True)

    assert "Mine Person" in page and "Other Person" not in page
    assert manager_client.post(f"/admin/redemptions/{other.id}/approve").status_code == 404
    assert mine.status is RedemptionStatus.REQUESTED


def test_approve_needs_csrf_token(make_app, login_as):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = make_user(Role.ADMIN)
        employee = make_employee()
        give_points(employee, 30)
        redemption_id = make_redemption(employee, make_reward(cost=10)).id
        db.session.commit()
        client = app.test_client()
        login_page = client.get("/admin/login").get_data(as_text=True)
        token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/admin/login",
            data={"email": admin.email, "password": "correct horse battery", "csrf_token": token},
        )

        response = client.post(f"/admin/redemptions/{redemption_id}/approve")

        assert response.status_code == 400
        assert _status(redemption_id) is RedemptionStatus.REQUESTED
