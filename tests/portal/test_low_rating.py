"""A low rating is heard: sorry, a call back, and never a follow-up without a contact."""

import re
from urllib.parse import urlsplit

import pytest

from core.extensions import db
from core.models import FollowUpTask, Rating, RatingStatus
from core.services.ratings.receipt_codes import mint_receipt_codes
from core.services.ratings.till_codes import till_url
from portal.device import DONE_KEY
from tests.factories import make_employee, make_rating
from tests.portal.flow import all_ratings, rate, verified_by_sms

SORRY = "We are sorry your visit did not go well"
CALL_BACK = "will call you back."
ASK_CONTACT = "Leave a phone number or an email address"
CONTACT_FIELD = 'name="contact"'


def _verified_by_receipt(client, employee, **fields):
    """Rate and verify with a typed receipt code; the thanks page."""
    [code], _expires = mint_receipt_codes(1)
    rate(client, employee, **fields)
    assert client.post("/v/receipt", data={"receipt_code": code}).status_code == 302
    return client.get("/v/thanks")


def _task_of(rating) -> FollowUpTask | None:
    return db.session.scalar(db.select(FollowUpTask).where(FollowUpTask.rating_id == rating.id))


@pytest.mark.parametrize("overall", ["1", "2"])
def test_low_rating_without_consent_says_sorry_only(client, employee, overall):
    page = _verified_by_receipt(client, employee, overall=overall)
    assert page.status_code == 200
    assert SORRY in page.text
    assert CALL_BACK not in page.text
    assert CONTACT_FIELD not in page.text


def test_good_rating_says_no_sorry(client, employee):
    page = _verified_by_receipt(client, employee, overall="3", consent="y")
    assert SORRY not in page.text
    assert CONTACT_FIELD not in page.text


def test_low_rating_with_a_known_contact_says_someone_will_call_back(client, employee, sms_outbox):
    verified_by_sms(client, employee, sms_outbox, overall="1", consent="y")
    page = client.get("/v/thanks")
    assert SORRY in page.text
    assert f"Someone from <bdi>{employee.branch.name}</bdi> {CALL_BACK}" in page.text
    assert CONTACT_FIELD not in page.text
    [rating] = all_ratings()
    assert rating.contact == "+8613812345678"
    assert _task_of(rating) is not None


def test_receipt_customer_who_agreed_is_asked_where_to_call_back(client, employee):
    page = _verified_by_receipt(client, employee, overall="1", consent="y")
    assert SORRY in page.text
    assert ASK_CONTACT in page.text
    assert '<label for="contact">Phone number or email address</label>' in page.text
    [rating] = all_ratings()
    assert rating.contact is None and _task_of(rating) is not None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("138 1234 5678", "+8613812345678"), (" Li.Na@Example.COM ", "li.na@example.com")],
)
def test_callback_contact_is_kept_on_the_rating_of_the_follow_up(client, employee, typed, stored):
    _verified_by_receipt(client, employee, overall="2", consent="y")
    response = client.post("/v/thanks/contact", data={"contact": typed})
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/v/thanks"
    page = client.get("/v/thanks")
    assert f"Someone from <bdi>{employee.branch.name}</bdi> {CALL_BACK}" in page.text
    assert CONTACT_FIELD not in page.text
    [rating] = all_ratings()
    assert rating.contact == stored
    assert _task_of(rating).rating.contact == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "Enter your mobile number."),
        ("12345", "Enter a valid mobile number."),
        ("li.na@", "Enter a valid email address"),
        ("a@b.com, c@d.com", "Enter one email address"),
    ],
)
def test_unusable_callback_contact_is_refused_with_what_was_typed(client, employee, typed, reason):
    _verified_by_receipt(client, employee, overall="1", consent="y")
    response = client.post("/v/thanks/contact", data={"contact": typed})
    assert response.status_code == 422
    assert reason in response.text
    assert 'aria-invalid="true"' in response.text
    value = re.search(r'name="contact"[^>]*value="([^"]*)"', response.text)
    assert (value.group(1) if value else "") == typed.replace('"', "&#34;")
    assert all_ratings()[0].contact is None


def test_a_repeated_callback_form_keeps_the_first_contact(client, employee):
    _verified_by_receipt(client, employee, overall="1", consent="y")
    client.post("/v/thanks/contact", data={"contact": "13812345678"})
    response = client.post("/v/thanks/contact", data={"contact": "13900001111"})
    assert response.status_code == 303
    assert all_ratings()[0].contact == "+8613812345678"


def test_no_callback_form_without_consent_even_when_posted(client, employee):
    _verified_by_receipt(client, employee, overall="1")
    response = client.post("/v/thanks/contact", data={"contact": "13812345678"})
    assert response.status_code == 303
    assert all_ratings()[0].contact is None


def test_callback_form_without_a_thanked_rating_goes_nowhere(client):
    response = client.post("/v/thanks/contact", data={"contact": "13812345678"})
    assert response.status_code == 303
    assert client.get(response.location).status_code == 404


def test_till_qr_customer_is_asked_where_to_call_back(client, employee):
    [code], _expires = mint_receipt_codes(1, employee=employee)
    client.get(urlsplit(till_url(employee, code)).path)
    response = rate(client, employee, overall="1", consent="y")
    assert response.location.endswith("/v/thanks")
    assert ASK_CONTACT in client.get("/v/thanks").text


def test_callback_form_is_guarded_by_fetch_metadata_not_a_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        employee = make_employee()
        rating = make_rating(employee, overall=1, consent_contact=True, customer_hash="c" * 64)
        db.session.add(
            FollowUpTask(
                rating_id=rating.id,
                branch_id=rating.branch_id,
                contact_due_at=rating.created_at,
                resolve_due_at=rating.created_at,
            )
        )
        db.session.commit()
        rating_id = rating.id
    client = app.test_client()
    with client.session_transaction() as session:
        session[DONE_KEY] = rating_id
    assert 'name="csrf_token"' not in client.get("/v/thanks").text
    data = {"contact": "13812345678"}
    refused = client.post("/v/thanks/contact", data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403
    assert 'href="/v/thanks"' in refused.text
    response = client.post(
        "/v/thanks/contact", data=data, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 303
    with app.app_context():
        rating = db.session.get(Rating, rating_id)
        assert rating.contact == "+8613812345678"
        assert rating.status is RatingStatus.VERIFIED
