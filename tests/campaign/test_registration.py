"""Registration: once per campaign, eligible branches only, highlights up to 2,000 characters."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Campaign, Employee, Registration
from core.services.campaign.registration import AlreadyRegistered, register_employee
from core.services.campaign.rounds import CampaignError
from core.services.campaign.stages import advance_stage
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
