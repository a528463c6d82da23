"""The feedback inbox: filters, paging, bursts, hiding with reversal, surprise claims, disputes."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import (
    AuditEntry,
    DisputeStatus,
    EntryKind,
    PointsEntry,
    RatingStatus,
    SurpriseStatus,
    utcnow,
)
from core.services.points.ledger import balance_of
from core.services.ratings.bursts import burst_members
from tests.factories import make_counted_rating, make_employee, make_rating


def _shown(response, *ratings):
    return [f'/admin/feedback/{r.id}"'.encode() in response.data for r in ratings]


def test_inbox_shows_verified_ratings_never_pending(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    verified = make_rating(employee, comment="verified one")
    pending = make_rating(employee, status=RatingStatus.PENDING, comment="pending one")
    db.session.commit()
    response = manager_client.get("/admin/feedback")
    assert response.status_code == 200
    assert _shown(response, verified, pending) == [True, False]
    assert manager_client.get(f"/admin/feedback/{pending.id}").status_code == 404


def test_inbox_escapes_comments(manager_client, branch_a):
    make_rating(make_employee(branch=branch_a), comment="<script>alert(1)</script>")
    db.session.commit()
    response = manager_client.get("/admin/feedback")
    assert b"<script>alert(1)" not in response.data
    assert b"&lt;script&gt;alert(1)" in response.data


def test_inbox_shows_only_the_managers_branches(manager_client, branch_a, branch_b):
    mine = make_rating(make_employee(branch=branch_a))
    theirs = make_rating(make_employee(branch=branch_b))
    db.session.commit()
    response = manager_client.get(f"/admin/feedback?branch={branch_b.id}")
    assert _shown(response, mine, theirs) == [False, False]
    assert _shown(manager_client.get("/admin/feedback"), mine, theirs) == [True, False]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stars=1", [True, False, False]),
        ("comment=y", [False, True, False]),
        ("surprise=claimed", [False, False, True]),
        ("period=2026-10", [True, False, False]),
        ("", [True, True, True]),
    ],
)
def test_inbox_filters(manager_client, branch_a, query, expected):
    employee = make_employee(branch=branch_a)
    ratings = [
        make_rating(employee, overall=1, period_key="2026-10"),
        make_rating(employee, overall=4, comment="Lovely"),
        make_rating(employee, overall=5, surprise_status=SurpriseStatus.CLAIMED),
    ]
    db.session.commit()
    assert _shown(manager_client.get(f"/admin/feedback?{query}"), *ratings) == expected


def test_inbox_filters_by_employee(manager_client, branch_a):
    first, second = make_employee(branch=branch_a), make_employee(branch=branch_a)
    ratings = [make_rating(first), make_rating(second)]
    db.session.commit()
    response = manager_client.get(f"/admin/feedback?employee={first.id}")
    assert _shown(response, *ratings) == [True, False]


def test_bad_period_filter_is_a_400_with_a_message(manager_client):
    response = manager_client.get("/admin/feedback?period=November")
    assert response.status_code == 400
    assert b"2026-11" in response.data


def test_inbox_is_paged(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    ratings = [make_rating(employee) for _ in range(30)]
    db.session.commit()
    first = manager_client.get("/admin/feedback")
    assert sum(_shown(first, *ratings)) == 25
    second = manager_client.get("/admin/feedback?page=2")
    assert sum(_shown(second, *ratings)) == 5


def test_burst_from_one_client_is_flagged(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    start = utcnow() - timedelta(hours=5)
    burst = [make_rating(employee, client_hash="c1", created_at=start + timedelta(hours=n))
             for n in range(5)]  # fmt: skip
    calm = make_rating(employee, client_hash="c2", created_at=start)
    db.session.commit()
    response = manager_client.get("/admin/feedback?suspicious=y")
    assert _shown(response, *burst, calm) == [True] * 5 + [False]
    assert b"Suspicious burst" in response.data


def test_burst_members_rules():
    base = utcnow()
    same_client = [(n, "c", base + timedelta(hours=5 * n)) for n in range(5)]
    assert burst_members(same_client, 5, timedelta(days=1)) == {0, 1, 2, 3, 4}
    spread = [(n, "c", base + timedelta(hours=7 * n)) for n in range(5)]
    assert burst_members(spread, 5, timedelta(days=1)) == set()
    minutes = [(n, "e", base + timedelta(minutes=n)) for n in range(10)]
    assert burst_members(minutes, 10, timedelta(minutes=10)) == set(range(10))


def test_hiding_a_rating_reverses_its_points(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    rating = make_counted_rating(employee, overall=5)
    db.session.commit()
    earned = balance_of(employee.id)
    assert earned > 0
    response = manager_client.post(
        f"/admin/feedback/{rating.id}/hide", data={"reason": "Staff member's relative"}
    )
    assert response.status_code == 302
    db.session.refresh(rating)
    assert rating.status is RatingStatus.HIDDEN
    assert rating.hidden_reason == "Staff member's relative"
    assert balance_of(employee.id) == 0
    reversal = db.session.scalar(select(PointsEntry).where(PointsEntry.kind == EntryKind.REVERSAL))
    assert reversal.amount == -earned
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "rating.hide"))


@pytest.mark.parametrize("reason", ["", "  ", "ab"])
def test_hiding_needs_a_reason(manager_client, branch_a, reason):
    rating = make_counted_rating(make_employee(branch=branch_a))
    db.session.commit()
    response = manager_client.post(f"/admin/feedback/{rating.id}/hide", data={"reason": reason})
    assert response.status_code == 400
    db.session.refresh(rating)
    assert rating.status is RatingStatus.VERIFIED


def test_hiding_twice_says_so(manager_client, branch_a):
    rating = make_counted_rating(make_employee(branch=branch_a))
    db.session.commit()
    manager_client.post(f"/admin/feedback/{rating.id}/hide", data={"reason": "fraud ring"})
    response = manager_client.post(
        f"/admin/feedback/{rating.id}/hide", data={"reason": "again"}, follow_redirects=True
    )
    assert b"already hidden" in response.data
    count = select(func.count(PointsEntry.id)).where(PointsEntry.kind == EntryKind.REVERSAL)
    assert db.session.scalar(count) == 1


def test_confirming_a_surprise_adds_the_bonus(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    rating = make_counted_rating(employee, surprise_status=SurpriseStatus.CLAIMED)
    db.session.commit()
    before = balance_of(employee.id)
    assert b"Surprise" in manager_client.get("/admin/feedback/surprises").data
    response = manager_client.post(f"/admin/feedback/{rating.id}/surprise/confirm")
    assert response.status_code == 302
    db.session.refresh(rating)
    assert rating.surprise_status is SurpriseStatus.CONFIRMED
    assert balance_of(employee.id) > before


def test_rejecting_a_surprise_adds_nothing(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    rating = make_counted_rating(employee, surprise_status=SurpriseStatus.CLAIMED)
    db.session.commit()
    before = balance_of(employee.id)
    manager_client.post(f"/admin/feedback/{rating.id}/surprise/reject")
    db.session.refresh(rating)
    assert rating.surprise_status is SurpriseStatus.REJECTED
    assert balance_of(employee.id) == before


def test_a_surprise_is_decided_once(manager_client, branch_a):
    rating = make_counted_rating(
        make_employee(branch=branch_a), surprise_status=SurpriseStatus.CLAIMED
    )
    db.session.commit()
    manager_client.post(f"/admin/feedback/{rating.id}/surprise/confirm")
    response = manager_client.post(
        f"/admin/feedback/{rating.id}/surprise/confirm", follow_redirects=True
    )
    assert b"no open surprise-service claim" in response.data
    count = select(func.count(PointsEntry.id)).where(PointsEntry.kind == EntryKind.BONUS)
    assert db.session.scalar(count) == 1


def test_disputes_list_the_open_ones(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    disputed = make_rating(employee, dispute_status=DisputeStatus.OPEN, dispute_reason="Not me")
    make_rating(employee, dispute_status=DisputeStatus.UPHELD, dispute_reason="Old one")
    db.session.commit()
    response = manager_client.get("/admin/feedback/disputes")
    assert b"Not me" in response.data and b"Old one" not in response.data
    assert f"/admin/feedback/{disputed.id}/dispute/uphold".encode() in response.data


def test_upholding_a_dispute_keeps_the_rating(manager_client, branch_a):
    rating = make_counted_rating(make_employee(branch=branch_a), dispute_status=DisputeStatus.OPEN)
    db.session.commit()
    response = manager_client.post(f"/admin/feedback/{rating.id}/dispute/uphold")
    assert response.status_code == 302
    db.session.refresh(rating)
    assert rating.dispute_status is DisputeStatus.UPHELD
    assert rating.status is RatingStatus.VERIFIED


def test_hiding_a_disputed_rating_reverses_points(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    rating = make_counted_rating(employee, dispute_status=DisputeStatus.OPEN)
    db.session.commit()
    response = manager_client.post(
        f"/admin/feedback/{rating.id}/dispute/hide", data={"reason": "Customer confused staff"}
    )
    assert response.status_code == 302
    db.session.refresh(rating)
    assert rating.dispute_status is DisputeStatus.HIDDEN
    assert rating.status is RatingStatus.HIDDEN
    assert balance_of(employee.id) == 0


def test_hidden_ratings_have_their_own_filter(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    hidden = make_rating(employee, status=RatingStatus.HIDDEN, hidden_reason="spam")
    shown = make_rating(employee)
    db.session.commit()
    assert _shown(manager_client.get("/admin/feedback"), hidden, shown) == [False, True]
    assert _shown(manager_client.get("/admin/feedback?hidden=y"), hidden, shown) == [True, False]


def test_hide_form_needs_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from core.models import Role
        from tests.factories import make_user

        admin = make_user(Role.ADMIN)
        rating = make_counted_rating()
        db.session.commit()
        client = app.test_client()
        page = client.get("/admin/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/admin/login", data={"email": admin.email,
                    "password": "correct horse battery", "csrf_token": token})  # fmt: skip
        detail = client.get(f"/admin/feedback/{rating.id}")
        assert b'name="csrf_token"' in detail.data
        response = client.post(f"/admin/feedback/{rating.id}/hide", data={"reason": "no token"})
        assert response.status_code == 400
        db.session.refresh(rating)
        assert rating.status is RatingStatus.VERIFIED


def test_detail_names_the_dimensions(manager_client, branch_a, app):
    rating = make_rating(make_employee(branch=branch_a), stars={"attitude": 4})
    db.session.commit()
    response = manager_client.get(f"/admin/feedback/{rating.id}")
    label = dict(app.config["RATING_DIMENSIONS"])["attitude"]
    assert f"{label} 4★".encode() in response.data
