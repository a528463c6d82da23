"""Checked winners: eligibility or a written override, a quota, publishing after the last day."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, AwardCategory, AwardPeriod, AwardStatus, AwardWinner
from core.services.awards.publishing import publish_period
from core.services.awards.winners import AwardError, add_winner, set_quota
from tests.factories import make_award_period, make_counted_rating, make_employee

IN_PERIOD = datetime(2026, 11, 10, 12, tzinfo=UTC)


def _rated(count: int = 4, **kw):
    employee = make_employee(**kw)
    for _ in range(count):
        make_counted_rating(employee, 5, created_at=IN_PERIOD)
    db.session.commit()
    return employee


def _star_category(**kw):
    period = make_award_period(**kw)
    db.session.commit()
    return period.categories[0]


def _audit(action: str) -> AuditEntry:
    return db.session.scalar(select(AuditEntry).where(AuditEntry.action == action))


@pytest.mark.parametrize(
    "employee_kw, count, why",
    [
        ({}, 1, "1 of 3 verified ratings"),
        ({"disciplinary_flag": True}, 4, "disciplinary flag"),
        ({"active": False}, 4, "not active"),
    ],
)
def test_ineligible_winner_is_refused_without_a_reason(app, employee_kw, count, why):
    employee = _rated(count, **employee_kw)
    category = _star_category()

    with pytest.raises(AwardError, match=why) as refused:
        add_winner(category, employee, "Kind.", None)

    assert refused.value.field == "override_reason"
    assert db.session.scalar(select(AwardWinner)) is None


def test_override_reason_is_stored_and_audited(app):
    employee = _rated(1)
    category = _star_category()

    winner = add_winner(category, employee, "Kind.", None, "Started mid-month; board agreed.")

    assert winner.override_reason == "Started mid-month; board agreed."
    audit = _audit("award_winner.add")
    assert audit.after["override_reason"] == "Started mid-month; board agreed."
    assert audit.after["ineligible"] == ["1 of 3 verified ratings"]


def test_eligible_winner_keeps_no_override(app):
    winner = add_winner(_star_category(), _rated(), "Kind.", None, "not needed")

    assert winner.override_reason is None
    assert "override_reason" not in _audit("award_winner.add").after


def test_category_quota_defaults_to_one_and_holds(app):
    first, second = _rated(), _rated()
    category = _star_category()
    add_winner(category, first, "Kind.", None)

    with pytest.raises(AwardError, match="already has its 1 winners"):
        add_winner(category, second, "Also kind.", None)
    assert category.winner_quota == 1


def test_raised_quota_allows_more_winners_and_is_audited(app):
    first, second = _rated(), _rated()
    category = _star_category()
    add_winner(category, first, "Kind.", None)

    set_quota(category.id, 2, None)
    add_winner(category, second, "Also kind.", None)

    assert len(db.session.get(AwardCategory, category.id).winners) == 2
    assert _audit("award_category.quota").after["winner_quota"] == 2


def test_quota_cannot_drop_below_the_picked_winners(app):
    category = _star_category()
    set_quota(category.id, 2, None)
    add_winner(category, _rated(), "Kind.", None)
    add_winner(category, _rated(), "Kind.", None)

    with pytest.raises(AwardError, match="2 are picked"):
        set_quota(category.id, 1, None)


def test_quota_below_one_is_refused_by_the_database(app):
    category = _star_category()
    category.winner_quota = 0
    with pytest.raises(Exception, match="ck_award_category_quota_positive|CHECK"):
        db.session.commit()
    db.session.rollback()


def _running_period():
    today = datetime.now(UTC).date()
    period = make_award_period(
        starts_on=today - timedelta(days=3), ends_on=today + timedelta(days=1)
    )
    employee = make_employee()
    db.session.commit()
    add_winner(period.categories[0], employee, "Kind.", None, "Too early to have ratings")
    return period.id


def test_running_period_is_not_published_without_a_reason(app):
    period_id = _running_period()

    with pytest.raises(AwardError, match="Publish early") as refused:
        publish_period(period_id, None)

    assert refused.value.field == "early_reason"
    assert db.session.get(AwardPeriod, period_id).status is AwardStatus.DRAFT


def test_running_period_is_published_early_with_a_reason(app):
    period_id = _running_period()

    publish_period(period_id, None, "Annual meeting is tomorrow")

    period = db.session.get(AwardPeriod, period_id)
    assert period.status is AwardStatus.PUBLISHED
    assert period.early_publish_reason == "Annual meeting is tomorrow"
    assert _audit("award_period.publish").after["early_publish_reason"] == (
        "Annual meeting is tomorrow"
    )


def test_period_is_publishable_the_day_after_its_last_day(app):
    yesterday = datetime.now(UTC).date() - timedelta(days=1)
    period = make_award_period(starts_on=date(2026, 1, 1), ends_on=yesterday)
    employee = make_employee()
    db.session.commit()
    add_winner(period.categories[0], employee, "Kind.", None, "No ratings in the test")

    publish_period(period.id, None)

    period = db.session.get(AwardPeriod, period.id)
    assert period.status is AwardStatus.PUBLISHED and period.early_publish_reason is None


def test_winner_who_lost_eligibility_blocks_publishing(app):
    employee = _rated()
    category = _star_category()
    add_winner(category, employee, "Kind.", None)
    employee.disciplinary_flag = True
    db.session.commit()

    with pytest.raises(AwardError, match="No longer eligible"):
        publish_period(category.period_id, None)


def test_admin_page_asks_for_a_reason_then_shows_it(admin_client):
    employee = _rated(1, display_name="New Hire")
    category = _star_category()
    url = f"/admin/awards/{category.period_id}/categories/{category.id}/winners"
    data = {f"c{category.id}-employee_id": employee.id, f"c{category.id}-citation": "Kind."}

    refused = admin_client.post(url, data=data)
    added = admin_client.post(url, data={**data, f"c{category.id}-override_reason": "Board vote"})
    page = admin_client.get(f"/admin/awards/{category.period_id}").get_data(as_text=True)

    assert refused.status_code == 409
    assert "not eligible" in refused.get_data(as_text=True)
    assert added.status_code == 302
    assert "override reason: Board vote" in page


def test_admin_page_publishes_a_running_period_only_when_ticked(admin_client):
    period_id = _running_period()
    url = f"/admin/awards/{period_id}/publish"

    refused = admin_client.post(url, data={"publish-early_reason": "Meeting tomorrow"})
    done = admin_client.post(
        url, data={"publish-early": "y", "publish-early_reason": "Meeting tomorrow"}
    )
    page = admin_client.get(f"/admin/awards/{period_id}").get_data(as_text=True)

    assert (refused.status_code, done.status_code) == (409, 302)
    assert "Reason: Meeting tomorrow" in page


def test_public_pages_never_show_the_override_reason(admin_client, client):
    employee = _rated(1, display_name="Override Person")
    category = _star_category()
    winner = add_winner(category, employee, "Kind.", None, "Secret board reasoning")
    publish_period(category.period_id, None)

    wall = client.get("/stars").get_data(as_text=True)
    certificate = client.get(f"/stars/verify/{winner.verification_token}").get_data(as_text=True)

    assert "Override Person" in wall
    assert "Secret board reasoning" not in wall + certificate
