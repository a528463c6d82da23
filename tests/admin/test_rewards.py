"""The reward catalogue: admins add and edit; managers read; bad input re-rendered."""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, Reward, RewardKind
from tests.factories import make_reward

GOOD = {
    "name": "Cinema tickets",
    "description": "Two tickets",
    "kind": "gift_card",
    "cost": "40",
    "stock": "5",
    "active": "y",
}


def test_admin_adds_a_reward(admin_client):
    response = admin_client.post("/admin/rewards/new", data=GOOD)

    reward = db.session.scalar(select(Reward))
    assert response.status_code == 302
    assert (reward.name, reward.kind, reward.cost, reward.stock, reward.active) == (
        "Cinema tickets",
        RewardKind.GIFT_CARD,
        40,
        5,
        True,
    )
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reward.create"))


def test_empty_stock_means_unlimited(admin_client):
    admin_client.post("/admin/rewards/new", data={**GOOD, "stock": ""})

    assert db.session.scalar(select(Reward)).stock is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", ""),
        ("cost", "0"),
        ("cost", "-5"),
        ("cost", "abc"),
        ("stock", "-1"),
        ("kind", "yacht"),
        ("name", "x" * 121),
    ],
)
def test_bad_reward_is_refused_and_kept(admin_client, field, value):
    response = admin_client.post("/admin/rewards/new", data={**GOOD, field: value})

    assert response.status_code == 400
    assert db.session.scalar(select(Reward)) is None
    assert "Two tickets" in response.get_data(as_text=True)


def test_admin_edits_and_deactivates_a_reward(admin_client):
    reward = make_reward(name="Old", cost=10)
    db.session.commit()

    response = admin_client.post(f"/admin/rewards/{reward.id}", data={**GOOD, "active": ""})

    db.session.refresh(reward)
    assert response.status_code == 302
    assert (reward.name, reward.active) == ("Cinema tickets", False)
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reward.update"))
    assert audit.before["name"] == "Old"


def test_manager_reads_but_cannot_edit(manager_client):
    make_reward(name="Day off")
    db.session.commit()

    assert "Day off" in manager_client.get("/admin/rewards").get_data(as_text=True)
    assert manager_client.post("/admin/rewards/new", data=GOOD).status_code == 403


def test_reward_form_needs_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from core.models import Role
        from tests.factories import make_user

        admin = make_user(Role.ADMIN)
        db.session.commit()
        client = app.test_client()
        page = client.get("/admin/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/admin/login",
            data={"email": admin.email, "password": "correct horse battery", "csrf_token": token},
        )

        response = client.post("/admin/rewards/new", data=GOOD)

        assert response.status_code == 400
        assert db.session.scalar(select(Reward)) is None


def test_demo_seeds_the_catalogue_once(app):
    from core.demo.rewards import DEMO_REWARDS, seed_demo_rewards

    notes: list[str] = []
    with app.test_request_context():
        seed_demo_rewards(notes)
        first = len(notes)
        seed_demo_rewards(notes)

    assert len(db.session.scalars(select(Reward)).all()) == len(DEMO_REWARDS)
    assert first >= 1 and len(notes) == first  # the second run adds nothing
