"""The audit log viewer: admins filter by user, action, target type and date."""

from datetime import UTC, datetime

import pytest

from core.extensions import db
from core.models import AuditEntry
from core.services.audit import record_audit
from tests.factories import make_user


def _entry(action, user=None, when=None, target_type="branch"):
    entry = record_audit(action, target_type, 1, {"name": "before"}, {"name": "after"}, user=user)
    if when:
        entry.created_at = when
    return entry


def test_record_audit_keeps_who_what_and_values(app):
    user = make_user()
    entry = _entry("branch.update", user)
    db.session.flush()
    stored = db.session.get(AuditEntry, entry.id)
    assert (stored.user_id, stored.action, stored.target_type, stored.target_id) == (
        user.id, "branch.update", "branch", "1"
    )  # fmt: skip
    assert stored.before == {"name": "before"} and stored.after == {"name": "after"}


def test_audit_values_are_made_json_safe(app):
    when = datetime(2026, 11, 1, tzinfo=UTC)
    entry = record_audit("x.y", "thing", 5, after={"at": when, "ids": {3}})
    db.session.flush()
    assert entry.after == {"at": "2026-11-01T00:00:00+00:00", "ids": [3]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=branch", {"branch.create", "branch.update"}),
        ("target_type=user", {"user.disable"}),
        ("start=2026-11-02&end=2026-11-02", {"branch.update"}),
        ("", {"branch.create", "branch.update", "user.disable"}),
    ],
)
def test_admin_filters_the_audit_log(app, admin_client, query, expected):
    # Days are the site's (UTC+8 here): each entry's local day differs from its UTC day.
    app.config["TIME_ZONE"] = "Asia/Shanghai"
    _entry("branch.create", when=datetime(2026, 11, 1, 9, tzinfo=UTC))  # 11-01 17:00 local
    _entry("branch.update", when=datetime(2026, 11, 1, 17, tzinfo=UTC))  # 11-02 01:00 local
    _entry("user.disable", target_type="user", when=datetime(2026, 11, 2, 20, tzinfo=UTC))
    db.session.commit()
    response = admin_client.get(f"/admin/audit?{query}")
    assert response.status_code == 200
    shown = {
        a for a in ("branch.create", "branch.update", "user.disable") if a.encode() in response.data
    }
    assert shown == expected


def test_audit_filter_by_user(admin_client, admin_user):
    other = make_user()
    _entry("mine.action", admin_user)
    _entry("other.action", other)
    db.session.commit()
    response = admin_client.get(f"/admin/audit?user={other.id}")
    assert b"other.action" in response.data and b"mine.action" not in response.data


def test_audit_log_is_paged(admin_client):
    for n in range(55):
        _entry(f"bulk.{n:02d}")
    db.session.commit()
    first = admin_client.get("/admin/audit")
    assert b"bulk.54" in first.data and b"bulk.04" not in first.data
    second = admin_client.get("/admin/audit?page=2")
    assert b"bulk.04" in second.data


def test_bad_audit_date_is_a_400(admin_client):
    response = admin_client.get("/admin/audit?start=yesterday")
    assert response.status_code == 400


def test_audit_values_read_as_words(admin_client):
    record_audit("employee.update", "employee", 1, {"photo": None, "active": True}, {"ids": [3, 4]})
    db.session.commit()
    page = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "<strong>photo</strong> —" in page and "<strong>active</strong> yes" in page
    assert "<strong>ids</strong> 3, 4" in page and "None" not in page and "True" not in page
