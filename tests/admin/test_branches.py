"""Branches: create, edit, deactivate, with audit entries."""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, Branch
from tests.factories import make_branch


def test_admin_creates_a_branch(admin_client):
    response = admin_client.post(
        "/admin/branches/new", data={"name": " Harbour Street ", "address": "1 Harbour St"}
    )
    assert response.status_code == 302
    branch = db.session.scalar(select(Branch).where(Branch.name == "Harbour Street"))
    assert branch.address == "1 Harbour St" and branch.active
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "branch.create"))
    assert entry.after["name"] == "Harbour Street" and entry.user_id is not None


@pytest.mark.parametrize(
    ("name", "message"),
    [("", b"This field is required"), ("x" * 121, b"120"), ("existing", b"exists already")],
)
def test_bad_branch_names_are_refused(admin_client, name, message):
    make_branch(name="Existing")
    db.session.commit()
    response = admin_client.post("/admin/branches/new", data={"name": name, "address": "kept"})
    assert response.status_code == 400
    assert message in response.data
    assert b'value="kept"' in response.data
    assert db.session.scalar(select(Branch).where(Branch.address == "kept")) is None


def test_admin_renames_a_branch(admin_client):
    branch = make_branch(name="Old name")
    db.session.commit()
    response = admin_client.post(
        f"/admin/branches/{branch.id}/edit", data={"name": "New name", "address": ""}
    )
    assert response.status_code == 302
    db.session.refresh(branch)
    assert branch.name == "New name"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "branch.update"))
    assert entry.before["name"] == "Old name" and entry.after["name"] == "New name"


def test_admin_deactivates_and_reactivates_a_branch(admin_client):
    branch = make_branch()
    db.session.commit()
    admin_client.post(f"/admin/branches/{branch.id}/active")
    db.session.refresh(branch)
    assert branch.active is False
    admin_client.post(f"/admin/branches/{branch.id}/active")
    db.session.refresh(branch)
    assert branch.active is True


def test_branch_list_shows_branches(admin_client):
    make_branch(name="Riverside <b>")
    db.session.commit()
    response = admin_client.get("/admin/branches")
    assert response.status_code == 200
    assert b"Riverside &lt;b&gt;" in response.data


def test_unknown_branch_is_404(admin_client):
    assert admin_client.get("/admin/branches/999/edit").status_code == 404
