"""Winners' rewards in the admin area: added and removed on a place (audited), refused with
a clear message, commitments listed due first and marked delivered (audited), admins only."""

from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import (
    AuditEntry,
    Commitment,
    CommitmentKind,
    PlaceReward,
    PlaceRewardKind,
    Role,
    utcnow,
)
from core.services.awards.publishing import publish_period
from core.services.awards.winners import add_winner
from core.services.periods import local_day
from core.services.points.place_reward_setup import PlaceRewardData, add_place_reward
from tests.factories import make_award_period, make_employee, make_user


def _category():
    category = make_award_period(name="November").categories[0]
    db.session.commit()
    return category


def _url(category) -> str:
    return f"/admin/awards/{category.period_id}/categories/{category.id}/rewards"


def _latest_audit() -> AuditEntry:
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()


def test_an_admin_adds_points_to_a_place_and_it_is_logged(app, admin_client):
    category = _category()

    response = admin_client.post(
        _url(category), data={"place": "1", "kind": "points", "points": "40"}
    )

    assert response.status_code == 302
    row = db.session.scalars(select(PlaceReward)).one()
    assert (row.category_id, row.place, row.points) == (category.id, 1, 40)
    entry = _latest_audit()
    assert entry.action == "place_reward.add" and entry.after["points"] == 40
    page = admin_client.get(f"/admin/awards/{category.period_id}").get_data(as_text=True)
    assert "Place 1" in page and "40 points" in page


def test_a_refused_reward_says_why_and_keeps_what_was_typed(app, admin_client):
    category = _category()

    response = admin_client.post(
        _url(category),
        data={"place": "1", "kind": "commitment", "commitment_kind": "training",
              "description": "Leadership course", "due_days": "14"},
    )  # fmt: skip

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose who delivers it." in page and "Leadership course" in page
    assert db.session.scalars(select(PlaceReward)).first() is None


def test_a_place_reward_is_removed_with_an_audit_entry(app, admin_client, admin_user):
    category = _category()
    row = add_place_reward(category, PlaceRewardData(1, PlaceRewardKind.POINTS, points=5), None)

    response = admin_client.post(f"/admin/place-rewards/{row.id}/remove")

    assert response.status_code == 302
    assert db.session.scalars(select(PlaceReward)).first() is None
    entry = _latest_audit()
    assert (entry.action, entry.before["points"], entry.user_id) == (
        "place_reward.remove", 5, admin_user.id,
    )  # fmt: skip


def _promised(admin, due_days: int):
    """A published period whose winner was promised training due in `due_days` days."""
    category = make_award_period().categories[0]
    winner = make_employee(display_name="Ann Winner")
    db.session.commit()
    add_place_reward(
        category,
        PlaceRewardData(1, PlaceRewardKind.COMMITMENT, commitment_kind=CommitmentKind.TRAINING,
                        description="Course", owner_id=admin.id, due_days=due_days),
        admin,
    )  # fmt: skip
    add_winner(category, winner, "Kind.", admin, "Picked in a test")
    publish_period(category.period_id, admin, "Early, for the test")
    return db.session.scalars(select(Commitment).filter_by(employee_id=winner.id)).one()


def test_commitments_are_listed_due_first_and_overdue_marked(app, admin_client, admin_user):
    later = _promised(admin_user, 30)
    late = _promised(admin_user, 0)
    late.due_on = local_day(utcnow()) - timedelta(days=2)
    db.session.commit()

    page = admin_client.get("/admin/commitments").get_data(as_text=True)

    assert page.index(late.due_on.isoformat()) < page.index(later.due_on.isoformat())
    assert page.count('class="overdue"') == 1


def test_marking_delivered_is_logged_once(app, admin_client, admin_user):
    promise = _promised(admin_user, 7)

    response = admin_client.post(f"/admin/commitments/{promise.id}/deliver")
    again = admin_client.post(f"/admin/commitments/{promise.id}/deliver", follow_redirects=True)

    assert response.status_code == 302
    entry = db.session.scalars(select(AuditEntry).filter_by(action="commitment.deliver")).one()
    assert entry.user_id == admin_user.id and entry.after["delivered_by_id"] == admin_user.id
    assert "already marked delivered" in again.get_data(as_text=True)


def test_managers_are_refused(app, client, login_as, admin_user):
    category = _category()
    promise = _promised(admin_user, 7)
    login_as(make_user(Role.MANAGER))

    assert client.get(_url(category)).status_code == 403
    assert (
        client.post(
            _url(category), data={"place": "1", "kind": "points", "points": "9"}
        ).status_code
        == 403
    )
    assert client.get("/admin/commitments").status_code == 403
    assert client.post(f"/admin/commitments/{promise.id}/deliver").status_code == 403
    assert db.session.get(Commitment, promise.id).delivered_at is None
