"""Employees may not rate themselves: their own contacts are kept as the same keyed hash."""

from core.extensions import db
from core.models import EmployeeIdentity, RatingStatus
from core.services.ratings.identity import add_employee_identity, identity_hash
from tests.factories import make_employee
from tests.portal.flow import all_ratings, rate, verified_by_sms


def test_employee_cannot_rate_themselves(client, employee, sms_outbox):
    own = identity_hash("phone", "+8613812345678")
    db.session.add(EmployeeIdentity(employee_id=employee.id, identity_hash=own))
    db.session.commit()
    rate(client, employee)
    response = client.post("/v/sms", data={"phone": "138 1234 5678"})
    assert response.status_code == 422
    assert "cannot rate yourself" in response.text
    assert sms_outbox == []


def test_contact_registered_with_the_helper_is_refused(client, employee, sms_outbox):
    add_employee_identity(employee, "phone", "+86 138 1234 5678")
    db.session.commit()
    rate(client, employee)
    response = client.post("/v/sms", data={"phone": "13812345678"})
    assert response.status_code == 422
    assert "cannot rate yourself" in response.text


def test_employee_may_rate_a_colleague(client, employee, sms_outbox):
    colleague = make_employee(branch=employee.branch)
    add_employee_identity(colleague, "phone", "13812345678")
    db.session.commit()
    response = verified_by_sms(client, employee, sms_outbox)
    assert response.status_code == 302
    assert all_ratings()[0].status is RatingStatus.VERIFIED


def test_remembered_device_of_the_employee_cannot_rate_their_own_card(client, employee, sms_outbox):
    colleague = make_employee(branch=employee.branch)
    add_employee_identity(employee, "phone", "13812345678")
    db.session.commit()
    verified_by_sms(client, colleague, sms_outbox)
    client.get("/v/thanks")
    response = rate(client, employee)
    assert response.status_code == 422
    assert "cannot rate yourself" in response.text
    assert [r.employee_id for r in all_ratings()] == [colleague.id]
