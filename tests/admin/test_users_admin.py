"""Admins manage accounts: create managers and judges, assign branches, disable."""

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEntry, Role, User, UserSession
from tests.factories import make_branch, make_user


def test_admin_creates_a_manager_with_branches(admin_client):
    a, b = make_branch(), make_branch()
    db.session.commit()
    response = admin_client.post(
        "/admin/users/new",
        data={
            "email": "New.Manager@Example.com",
            "name": "New",
            "role": "manager",
            "branch_ids": [str(a.id), str(b.id)],
            "password": "a long enough password",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.manager@example.com"))
    assert user.role is Role.MANAGER
    assert {branch.id for branch in user.branches} == {a.id, b.id}
    assert "a long enough password" not in user.password_hash
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.create"))
    assert "password_hash" not in entry.after


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email"}, b"Invalid email"),
        ({"password": "short"}, b"between 10"),
        ({"email": "taken@example.com"}, b"exists already"),
        ({"role": "superuser"}, b"Not a valid choice"),
    ],
)
def test_bad_accounts_are_refused(admin_client, data, message):
    make_user(Role.MANAGER, email="taken@example.com")
    db.session.commit()
    form = {"email": "ok@example.com", "name": "Kept name", "role": "manager",
            "password": "a long enough password", **data}  # fmt: skip
    response = admin_client.post("/admin/users/new", data=form)
    assert response.status_code == 400
    assert message in response.data
    assert b"Kept name" in response.data
    assert db.session.scalar(select(User).where(User.name == "Kept name")) is None


def test_admin_changes_branches_and_password(admin_client):
    branch = make_branch()
    manager = make_user(Role.MANAGER)
    db.session.commit()
    response = admin_client.post(
        f"/admin/users/{manager.id}/edit",
        data={"name": "Renamed", "role": "manager", "branch_ids": [str(branch.id)],
              "password": "another long password"},
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(manager)
    assert manager.name == "Renamed" and [b.id for b in manager.branches] == [branch.id]


def test_admin_disables_an_account_and_its_sessions_end(admin_client, app):
    manager = make_user(Role.MANAGER)
    db.session.add(UserSession(token_hash="x" * 64, user_id=manager.id))
    db.session.commit()
    response = admin_client.post(f"/admin/users/{manager.id}/active")
    assert response.status_code == 302
    db.session.refresh(manager)
    assert manager.active is False
    count = select(func.count(UserSession.id)).where(UserSession.user_id == manager.id)
    assert db.session.scalar(count) == 0


def test_admin_cannot_disable_themselves(admin_client, admin_user):
    response = admin_client.post(f"/admin/users/{admin_user.id}/active", follow_redirects=True)
    assert b"cannot disable your own account" in response.data
    db.session.refresh(admin_user)
    assert admin_user.active is True


def test_admin_cannot_change_own_role(admin_client, admin_user):
    response = admin_client.post(
        f"/admin/users/{admin_user.id}/edit", data={"name": "x", "role": "manager"}
    )
    assert response.status_code == 400
    db.session.refresh(admin_user)
    assert admin_user.role is Role.ADMIN


def test_user_list_shows_accounts(admin_client, admin_user):
    response = admin_client.get("/admin/users")
    assert response.status_code == 200
    assert admin_user.email.encode() in response.data
