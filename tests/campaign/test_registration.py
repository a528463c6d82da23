"""Registration: once per campaign, eligible branches only, highlights up to 2,000 characters."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.localtime import local_midnight
from core.models import AuditEntry, Campaign, CampaignStage, Employee, Registration
from core.services.campaign.registration import (
    AlreadyRegistered,
    past_closing_date,
    register_employee,
)
from core.services.campaign.rounds import CampaignError, round_candidates
from core.services.campaign.stages import advance_stage
from core.services.people.employees import issue_private_link
from core.services.periods import local_day
from tests.factories import make_branch, make_employee, make_user


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def test_an_employee_registers_with_highlights(make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch])
    registration = register_employee(campaign, employee, "  Stayed late for a customer.  ")
    assert registration.highlights == "Stayed late for a customer."
    assert registration.registered_by_id is None


def test_a_second_registration_is_refused(make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch])
    register_employee(campaign, employee, "First")
    with pytest.raises(AlreadyRegistered):
        register_employee(campaign, employee, "Second")
    assert _count() == 1


def test_an_admin_registers_someone_on_their_behalf(make_campaign, branch):
    employee = make_employee(branch=branch)
    admin = make_user()
    campaign = make_campaign([branch])
    registration = register_employee(campaign, employee, "Helped", actor=admin)
    assert registration.registered_by_id == admin.id


def test_registration_outside_the_campaigns_branches_is_refused(make_campaign, branch):
    outsider = make_employee(branch=make_branch())
    campaign = make_campaign([branch])
    with pytest.raises(CampaignError):
        register_employee(campaign, outsider, "Helped")
    assert _count() == 0


@pytest.mark.parametrize("highlights", ["", "   ", "x" * 2001])
def test_bad_highlights_are_refused(make_campaign, branch, highlights):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch])
    with pytest.raises(CampaignError) as error:
        register_employee(campaign, employee, highlights)
    assert error.value.field == "highlights"


def test_registration_closes_when_the_preliminary_opens(make_campaign, branch):
    first, late = make_employee(branch=branch), make_employee(branch=branch)
    campaign = make_campaign([branch])
    register_employee(campaign, first, "Helped")
    advance_stage(campaign, None)
    with pytest.raises(CampaignError):
        register_employee(campaign, late, "Helped")
    assert _count() == 1


def test_simultaneous_registrations_store_one(app, make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch])
    ids = (campaign.id, employee.id)
    db.session.commit()
    barrier = threading.Barrier(3)

    def register(index: int) -> str:
        with app.app_context(), app.test_request_context():
            barrier.wait()
            try:
                register_employee(
                    db.session.get(Campaign, ids[0]),
                    db.session.get(Employee, ids[1]),
                    f"Try {index}",
                )
                return "stored"
            except AlreadyRegistered:
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(3) as pool:
        outcomes = sorted(pool.map(register, range(3)))
    assert outcomes == ["refused", "refused", "stored"]
    db.session.rollback()
    assert _count() == 1


def test_a_registration_at_the_close_is_either_counted_or_refused(app, make_campaign, branch):
    """Racing the close of registration: never stored yet left out of the preliminary."""
    first, racer = make_employee(branch=branch), make_employee(branch=branch)
    campaign = make_campaign([branch])
    register_employee(campaign, first, "Helped")
    ids = (campaign.id, racer.id)
    db.session.commit()
    barrier = threading.Barrier(2)

    def act(index: int) -> str:
        with app.app_context(), app.test_request_context():
            campaign = db.session.get(Campaign, ids[0])
            barrier.wait()
            try:
                if index == 0:
                    advance_stage(campaign, None)
                    return "closed"
                register_employee(campaign, db.session.get(Employee, ids[1]), "Just in time")
                return "stored"
            except CampaignError:
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(2) as pool:
        closed, registration = pool.map(act, range(2))
    db.session.rollback()
    assert closed == "closed"
    candidates = {c.id for c in round_candidates(campaign, CampaignStage.PRELIMINARY)}
    stored = _count() == 2
    assert (registration, stored, racer.id in candidates) in {
        ("stored", True, True),
        ("refused", False, False),
    }


def test_a_registration_checks_the_stage_again_under_the_lock(app, make_campaign, branch):
    """A page loaded before the close cannot register after it (the stage is read locked)."""
    first, late = make_employee(branch=branch), make_employee(branch=branch)
    campaign = make_campaign([branch])
    register_employee(campaign, first, "Helped")
    db.session.commit()
    seen_before_the_close = db.session.get(Campaign, campaign.id)
    assert seen_before_the_close.stage is CampaignStage.REGISTRATION
    with app.app_context(), app.test_request_context():
        advance_stage(db.session.get(Campaign, campaign.id), None)
        db.session.remove()

    with pytest.raises(CampaignError, match="closed"):
        register_employee(seen_before_the_close, late, "Just in time")
    assert _count() == 1


def _today():
    return local_day(datetime.now(UTC))


def test_the_closing_date_is_the_last_local_day_still_open(make_campaign, branch):
    campaign = make_campaign([branch], registration_closes_on=date(2026, 3, 31))
    last_second = local_midnight(date(2026, 4, 1)) - timedelta(seconds=1)
    assert past_closing_date(campaign, last_second) is False
    assert past_closing_date(campaign, local_midnight(date(2026, 4, 1))) is True


def test_staff_register_on_the_closing_day(make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch], registration_closes_on=_today())
    assert register_employee(campaign, employee, "Helped").late_reason == ""


def test_staff_are_refused_the_day_after_closing(make_campaign, branch):
    employee = make_employee(branch=branch)
    yesterday = _today() - timedelta(days=1)
    campaign = make_campaign([branch], registration_closes_on=yesterday)
    with pytest.raises(CampaignError, match=f"Registration closed on {yesterday.isoformat()}."):
        register_employee(campaign, employee, "Helped")
    assert _count() == 0


def test_an_admin_registers_late_only_with_a_reason(make_campaign, branch):
    employee, admin = make_employee(branch=branch), make_user()
    campaign = make_campaign([branch], registration_closes_on=_today() - timedelta(days=1))
    with pytest.raises(CampaignError) as refused:
        register_employee(campaign, employee, "Helped", admin, "   ")
    assert refused.value.field == "late_reason" and _count() == 0
    registration = register_employee(campaign, employee, "Helped", admin, " Was on leave. ")
    assert registration.late_reason == "Was on leave."
    entry = db.session.scalars(select(AuditEntry).filter_by(action="campaign.register")).one()
    assert (entry.user_id, entry.after) == (admin.id, {"late_reason": "Was on leave."})


def test_an_on_time_registration_keeps_no_late_reason(make_campaign, branch):
    employee, admin = make_employee(branch=branch), make_user()
    campaign = make_campaign([branch], registration_closes_on=_today())
    registration = register_employee(campaign, employee, "Hi", admin, "x")
    assert registration.late_reason == ""


def test_the_staff_page_offers_no_form_after_closing(client, make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch], registration_closes_on=_today() - timedelta(days=1))
    db.session.commit()
    base = urlsplit(issue_private_link(employee)).path
    page = client.get(f"{base}/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Registration is closed." in page
    response = client.post(f"{base}/campaigns/{campaign.id}/register", data={"highlights": "Hi"})
    assert response.status_code == 400
    assert _count() == 0
