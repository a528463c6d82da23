"""No employee rates as a customer: any employee's own contact is refused, on every card."""

import pytest

from core.extensions import db
from core.models import EmployeeIdentity, RatingStatus
from core.services.ratings import code_delivery
from core.services.ratings.identity import identity_hash
from tests.factories import add_staff_contact, make_employee
from tests.portal.flow import all_ratings, card_path, rate, verified_by_sms

REFUSAL = "registered to a member of staff"


def _refused_page(client, phone="138 1234 5678"):
    response = client.post("/v/sms", data={"phone": phone})
    assert response.status_code == 422
    return response.text


def test_employee_cannot_rate_themselves(client, employee, sms_outbox):
    own = identity_hash("phone", "+8613812345678")
    db.session.add(EmployeeIdentity(employee_id=employee.id, identity_hash=own, kind="phone"))
    db.session.commit()
    rate(client, employee)
    assert REFUSAL in _refused_page(client)
    assert sms_outbox == []


def test_contact_registered_with_the_helper_is_refused(client, employee, sms_outbox):
    add_staff_contact(employee, "phone", "+86 138 1234 5678")
    db.session.commit()
    rate(client, employee)
    assert REFUSAL in _refused_page(client, "13812345678")


def test_an_employees_phone_cannot_rate_a_colleague(client, employee, sms_outbox):
    colleague = make_employee(branch=employee.branch)
    add_staff_contact(colleague, "phone", "13812345678")
    db.session.commit()
    rate(client, employee)
    assert REFUSAL in _refused_page(client)
    assert sms_outbox == []
    assert all_ratings()[0].status is RatingStatus.PENDING


def test_an_employees_email_cannot_rate_any_employee(client, employee, monkeypatch):
    mail_outbox = []
    monkeypatch.setattr(code_delivery, "send_mail", lambda *message: mail_outbox.append(message))
    other_branch = make_employee()
    add_staff_contact(other_branch, "email", "Li.Lei@Example.com")
    db.session.commit()
    rate(client, employee)
    response = client.post("/v/email", data={"email": "li.lei@example.com"})
    assert response.status_code == 422
    assert REFUSAL in response.text
    assert mail_outbox == []


def test_the_refusal_reads_the_same_whoever_the_contact_belongs_to(client, employee):
    colleague = make_employee(display_name="Bob Colleague", branch=employee.branch)
    add_staff_contact(employee, "phone", "13812345678")
    add_staff_contact(colleague, "phone", "13912345678")
    db.session.commit()
    rate(client, employee)
    own = _refused_page(client, "13812345678")
    other = _refused_page(client, "13912345678")
    for page in (own, other):
        assert "Bob Colleague" not in page.split("<main", 1)[-1].split("Alice Wang", 1)[-1]
    assert own.count(REFUSAL) == other.count(REFUSAL) == 1


def test_the_draft_is_kept_after_the_refusal(client, employee, sms_outbox):
    add_staff_contact(employee, "phone", "13812345678")
    db.session.commit()
    rate(client, employee, comment="Kept after the refusal")
    _refused_page(client)
    assert "Kept after the refusal" in client.get(card_path(employee)).text


def test_a_customer_may_still_rate(client, employee, sms_outbox):
    add_staff_contact(employee, "phone", "13912345678")
    db.session.commit()
    response = verified_by_sms(client, employee, sms_outbox)
    assert response.status_code == 302
    assert all_ratings()[0].status is RatingStatus.VERIFIED


@pytest.mark.parametrize("whose", ["own", "colleague"])
def test_remembered_device_of_an_employee_cannot_rate(client, employee, sms_outbox, whose):
    colleague = make_employee(branch=employee.branch)
    third = make_employee(branch=employee.branch)
    db.session.commit()
    verified_by_sms(client, colleague, sms_outbox)
    client.get("/v/thanks")
    # Recorded after the device was remembered: the next rating is refused all the same.
    add_staff_contact(employee if whose == "own" else third, "phone", "13812345678")
    db.session.commit()
    response = rate(client, employee, comment="Typed on a remembered phone")
    assert response.status_code == 422
    assert REFUSAL in response.text
    assert "Typed on a remembered phone" in response.text
    assert [r.employee_id for r in all_ratings()] == [colleague.id]
