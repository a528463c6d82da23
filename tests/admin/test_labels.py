"""A stored value reads the same on a page, in the CSV export and in the audit log."""

import csv
import io

import pytest

from core.extensions import db
from core.models import SurpriseStatus
from core.services.audit import record_audit
from core.services.ratings.moderation import confirm_surprise
from tests.factories import make_counted_rating, make_employee


@pytest.mark.parametrize(
    ("locale", "surprise", "confirmed"),
    [("en", "Surprise", "Confirmed"), ("zh_CN", "惊喜服务", "已确认")],
)
def test_page_csv_and_audit_log_show_the_same_label(
    admin_client, admin_user, locale, surprise, confirmed
):
    rating = make_counted_rating(make_employee(), surprise_status=SurpriseStatus.CLAIMED)
    db.session.commit()
    confirm_surprise(rating, admin_user)
    admin_client.set_cookie("lang", locale)

    page = admin_client.get(f"/admin/feedback/{rating.id}").get_data(as_text=True)
    export = admin_client.get("/admin/exports/ratings.csv").get_data().decode("utf-8-sig")
    audit = admin_client.get("/admin/audit?action=surprise").get_data(as_text=True)

    assert f'<span class="badge">{surprise}: {confirmed}</span>' in page
    assert [row["surprise"] for row in csv.DictReader(io.StringIO(export))] == [confirmed]
    assert f"<li><strong>surprise</strong> {confirmed}</li>" in audit


def test_audit_log_keeps_values_it_has_no_label_for(admin_client):
    record_audit("reward.update", "reward", 1, {"kind": "retired_kind"}, {"name": "Tea"})
    db.session.commit()

    text = admin_client.get("/admin/audit?target_type=reward").get_data(as_text=True)

    assert "<strong>kind</strong> retired_kind" in text and "<strong>name</strong> Tea" in text
