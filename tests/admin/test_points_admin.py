"""Points admin: balances, the ledger, manual adjustments with a reason, rules."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, EntryKind, PointsEntry, PointsRuleSet, Redemption
from core.services.points.ledger import balance_of
from core.services.points.rules import current_points_rules
from tests.factories import give_points, make_counted_rating, make_employee, make_reward

IN_OCTOBER = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)


def test_list_shows_balances(admin_client):
    give_points(make_employee(display_name="Zhang Wei"), 42)
    db.session.commit()

    text = admin_client.get("/admin/points").get_data(as_text=True)

    assert "Zhang Wei" in text and "42" in text


def test_adjustment_adds_a_ledger_entry_and_audit(admin_client):
    employee = make_employee()
    db.session.commit()

    response = admin_client.post(
        f"/admin/points/{employee.id}/adjust",
        data={"adjust-amount": "15", "adjust-reason": "Helped at the fair"},
    )

    assert response.status_code == 302
    entry = db.session.scalar(select(PointsEntry))
    assert (entry.kind, entry.amount, entry.reason) == (
        EntryKind.ADJUSTMENT,
        15,
        "Helped at the fair",
    )
    assert entry.actor_id is not None
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "points.adjust"))


@pytest.mark.parametrize(
    "amount, reason", [("10", ""), ("0", "Nothing"), ("", "No amount"), ("ten", "Words")]
)
def test_bad_adjustment_is_refused_and_kept(admin_client, amount, reason):
    employee = make_employee()
    db.session.commit()

    response = admin_client.post(
        f"/admin/points/{employee.id}/adjust",
        data={"adjust-amount": amount, "adjust-reason": reason},
    )

    assert response.status_code == 400
    assert db.session.scalar(select(PointsEntry)) is None


def test_adjustment_cannot_overdraw(admin_client):
    employee = make_employee()
    give_points(employee, 5)
    db.session.commit()

    response = admin_client.post(
        f"/admin/points/{employee.id}/adjust",
        data={"adjust-amount": "-10", "adjust-reason": "Correction"},
    )

    assert response.status_code == 409
    assert "Not enough points" in response.get_data(as_text=True)
    assert balance_of(employee.id) == 5


def test_admin_requests_a_reward_for_an_employee(admin_client):
    employee = make_employee()
    give_points(employee, 50)
    reward = make_reward(cost=20)
    db.session.commit()

    response = admin_client.post(
        f"/admin/points/{employee.id}/redeem", data={"redeem-reward_id": reward.id}
    )

    redemption = db.session.scalar(select(Redemption))
    assert response.status_code == 302
    assert (redemption.employee_id, redemption.cost) == (employee.id, 20)
    assert redemption.requested_by_id is not None


def test_manager_cannot_see_another_branch_ledger(manager_client, branch_b):
    employee = make_employee(branch=branch_b)
    db.session.commit()

    assert manager_client.get(f"/admin/points/{employee.id}").status_code == 404


DEFAULT_TIER_FIELDS = {
    **{"tier2_min": "3.5", "tier3_min": "4.2", "tier4_min": "4.6"},
    **{"tier1_multiplier": "1", "tier2_multiplier": "1.1"},
    **{"tier3_multiplier": "1.25", "tier4_multiplier": "1.5"},
    **{"tier1_bonus": "0", "tier2_bonus": "5", "tier3_bonus": "15", "tier4_bonus": "30"},
}
RULES = {"star1": "0", "star2": "0", "star3": "1", "star4": "3", "star5": "5"}


def test_admin_saves_new_points_rules(admin_client):
    response = admin_client.post(
        "/admin/rules",
        data={
            "star1": "0",
            "star2": "1",
            "star3": "2",
            "star4": "4",
            "star5": "6",
            "surprise_bonus": "8",
            **DEFAULT_TIER_FIELDS,
        },
    )

    assert response.status_code == 302
    assert current_points_rules().per_star == (0, 1, 2, 4, 6)


def test_rules_that_shrink_per_star_are_refused(admin_client):
    response = admin_client.post(
        "/admin/rules",
        data={
            "star1": "5",
            "star2": "1",
            "star3": "2",
            "star4": "4",
            "star5": "6",
            "surprise_bonus": "8",
            **DEFAULT_TIER_FIELDS,
        },
    )

    assert response.status_code == 400
    assert db.session.scalar(select(PointsRuleSet)) is None


def test_admin_saves_new_tiers(admin_client):
    data = {**RULES, **DEFAULT_TIER_FIELDS, "surprise_bonus": "5", "tier4_bonus": "40"}

    response = admin_client.post("/admin/rules", data=data)

    assert response.status_code == 302
    assert current_points_rules().tiers[3].bonus == 40


def test_tiers_that_bring_less_higher_up_are_refused_in_words(admin_client):
    data = {**RULES, **DEFAULT_TIER_FIELDS, "surprise_bonus": "5", "tier3_multiplier": "1.05"}

    response = admin_client.post("/admin/rules", data=data)

    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tier 3 multiplies points by 1 to 3, and by no less than the tier before." in text
    assert 'value="1.05"' in text, "what was typed stays"
    assert db.session.scalar(select(PointsRuleSet)) is None


def test_admin_closes_an_ended_period_once(admin_client):
    employee = make_employee()
    for _ in range(5):
        make_counted_rating(employee, 5, period_key="2026-10", verified_at=IN_OCTOBER)
    db.session.commit()

    first = admin_client.post("/admin/rules/close-period", data={"close-period": "2026-10"})
    again = admin_client.post("/admin/rules/close-period", data={"close-period": "2026-10"})

    assert (first.status_code, again.status_code) == (302, 302)
    db.session.expire_all()
    tier_entries = db.session.scalars(
        select(PointsEntry).where(PointsEntry.kind == EntryKind.TIER)
    ).all()
    assert len(tier_entries) == 1
    assert db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "points.close_period")
    ).all()


def test_manager_cannot_close_a_period(manager_client):
    response = manager_client.post("/admin/rules/close-period", data={"close-period": "2026-10"})

    assert response.status_code == 403


def test_manager_sees_rules_but_cannot_change_them(manager_client):
    assert manager_client.get("/admin/rules").status_code == 200
    assert manager_client.post("/admin/rules", data={}).status_code == 403


def test_manager_points_list_has_only_own_branches(manager_client, branch_a, branch_b):
    make_employee(branch=branch_a, display_name="Own Person")
    make_employee(branch=branch_b, display_name="Foreign Person")
    db.session.commit()

    text = manager_client.get("/admin/points").get_data(as_text=True)

    assert "Own Person" in text and "Foreign Person" not in text
