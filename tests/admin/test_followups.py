"""Follow-ups (回访): the manager's list, deadlines, overdue highlighting, state changes."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, FollowUpState, utcnow
from core.services.ratings.followups import is_overdue, overdue_count
from tests.admin.conftest import make_followup


def _late(branch, **kw):
    """A task that missed its contact deadline an hour ago."""
    return make_followup(branch, contact_due_at=utcnow() - timedelta(hours=1), **kw)


def test_list_shows_contact_due_dates_and_overdue(manager_client, branch_a):
    fresh = make_followup(branch_a)
    late = _late(branch_a)
    db.session.commit()
    response = manager_client.get("/admin/followups")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'/admin/followups/{fresh.id}"' in page and f'/admin/followups/{late.id}"' in page
    assert page.count('class="overdue"') == 1


@pytest.mark.parametrize(
    ("zone", "shown"), [("Asia/Shanghai", "2026-12-01 02:30"), ("UTC", "2026-11-30 18:30")]
)
def test_deadlines_are_shown_in_the_site_time_zone(app, manager_client, branch_a, zone, shown):
    app.config["TIME_ZONE"] = zone
    task = make_followup(branch_a, contact_due_at=datetime(2026, 11, 30, 18, 30, tzinfo=UTC))
    db.session.commit()
    page = manager_client.get(f"/admin/followups/{task.id}").get_data(as_text=True)
    assert shown in page and f"{zone} time zone" in page


def test_list_hides_other_branches(manager_client, branch_b):
    theirs = make_followup(branch_b)
    db.session.commit()
    response = manager_client.get("/admin/followups?state=all")
    assert f'/admin/followups/{theirs.id}"'.encode() not in response.data


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", {"open", "contacted"}), ("state=resolved", {"resolved"}), ("overdue=y", {"open"})],
)
def test_list_filters(manager_client, branch_a, query, expected):
    tasks = {
        "open": _late(branch_a),
        "contacted": make_followup(branch_a, state=FollowUpState.CONTACTED),
        "resolved": make_followup(branch_a, state=FollowUpState.RESOLVED),
    }
    db.session.commit()
    page = manager_client.get(f"/admin/followups?{query}").get_data(as_text=True)
    shown = {name for name, task in tasks.items() if f'/admin/followups/{task.id}"' in page}
    assert shown == expected


def test_detail_shows_the_contact(manager_client, branch_a):
    task = make_followup(branch_a, contact="+86 138 0013 8000")
    db.session.commit()
    response = manager_client.get(f"/admin/followups/{task.id}")
    assert response.status_code == 200
    assert b"+86 138 0013 8000" in response.data


def test_manager_records_contact_then_resolves(manager_client, branch_a):
    task = make_followup(branch_a)
    db.session.commit()
    response = manager_client.post(
        f"/admin/followups/{task.id}", data={"state": "contacted", "note": "Called, apologised"}
    )
    assert response.status_code == 302
    db.session.refresh(task)
    assert task.state is FollowUpState.CONTACTED and task.contacted_at is not None
    assert task.note == "Called, apologised"
    manager_client.post(f"/admin/followups/{task.id}", data={"state": "resolved", "note": "Done"})
    db.session.refresh(task)
    assert task.state is FollowUpState.RESOLVED and task.resolved_at is not None
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert actions.count("followup.update") == 2


def test_a_resolved_task_cannot_go_back(manager_client, branch_a):
    task = make_followup(branch_a, state=FollowUpState.RESOLVED)
    db.session.commit()
    response = manager_client.post(f"/admin/followups/{task.id}", data={"state": "open"})
    assert response.status_code == 400
    assert b"cannot go back" in response.data
    db.session.refresh(task)
    assert task.state is FollowUpState.RESOLVED


def test_bad_state_is_refused(manager_client, branch_a):
    task = make_followup(branch_a)
    db.session.commit()
    response = manager_client.post(f"/admin/followups/{task.id}", data={"state": "deleted"})
    assert response.status_code == 400
    db.session.refresh(task)
    assert task.state is FollowUpState.OPEN


def test_overdue_rules(app, branch_a):
    now = utcnow()
    past, future = now - timedelta(minutes=1), now + timedelta(days=1)
    assert is_overdue(make_followup(branch_a, contact_due_at=past), now)
    contacted = make_followup(branch_a, contact_due_at=past, state=FollowUpState.CONTACTED)
    assert not is_overdue(contacted, now)
    assert is_overdue(
        make_followup(branch_a, state=FollowUpState.CONTACTED, resolve_due_at=past), now
    )
    resolved = make_followup(branch_a, contact_due_at=past, resolve_due_at=past,
                             state=FollowUpState.RESOLVED)  # fmt: skip
    assert not is_overdue(resolved, now)
    assert not is_overdue(make_followup(branch_a, contact_due_at=future), now)


def test_overdue_count_per_branch(app, branch_a, branch_b):
    _late(branch_a)
    _late(branch_a)
    _late(branch_b)
    make_followup(branch_a)
    db.session.commit()
    assert overdue_count({branch_a.id}) == 2
    assert overdue_count(None) == 3
    assert overdue_count(set()) == 0
