"""The caps that carry the security of codes: per pending rating, per destination, on SMS.

They are counted in the database, so they hold whatever the client address or contact,
and across workers: the guess cap is tried as an attacker would, rotating addresses,
contacts and two app instances on one database with the real limit storage (Redis).
"""

from datetime import timedelta

import pytest

from core.extensions import db
from core.models import RatingStatus, VerificationCode
from core.services.messaging.sms import SmsNotSent, send_sms
from core.services.ratings.code_limits import (
    CODES_PER_DESTINATION_DAY,
    CODES_PER_DESTINATION_HOUR,
    CODES_PER_RATING,
    GUESSES_PER_RATING,
)
from core.services.ratings.one_time_codes import MAX_ATTEMPTS
from tests.factories import make_employee
from tests.portal.flow import all_ratings, code_from, codes, rate
from tests.portal.limit_storage import client_at, session_of, unique_address, workers

PHONES = [f"138{n:08d}" for n in range(10_000_000, 10_000_040)]


@pytest.fixture
def mail_app(make_app):
    """An app mailing through a real SMTP server (aiosmtpd) on localhost, SMS budget 2."""
    from tests.e2e.servers import SmtpServer

    with SmtpServer() as server:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, SMS_DAILY_BUDGET=2)
        with app.app_context():
            yield app, server


def age_codes(by: timedelta = timedelta(seconds=61)) -> None:
    """Move every code back in time (past the resend wait, or out of a window)."""
    db.session.rollback()
    for code in db.session.scalars(db.select(VerificationCode)):
        code.created_at -= by
        code.expires_at -= by
    db.session.commit()


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def test_a_pending_rating_gets_at_most_a_few_codes(client, employee, sms_outbox):
    rate(client, employee, comment="Keep my words")
    for phone in PHONES[:CODES_PER_RATING]:
        assert client.post("/v/sms", data={"phone": phone}).status_code == 302
        age_codes()
    response = client.post("/v/sms", data={"phone": PHONES[CODES_PER_RATING]})
    assert response.status_code == 422
    assert "as many codes as it may" in response.text
    assert "receipt" in response.text
    assert "Keep my words" in response.text  # the draft is kept
    assert len(sms_outbox) == CODES_PER_RATING
    assert len(codes()) == CODES_PER_RATING
    assert all_ratings()[0].status is RatingStatus.PENDING


def test_guess_cap_per_pending_rating_holds_across_addresses_contacts_and_workers(
    make_app, sms_outbox
):
    """An attacker with one pending rating, a new address and a new contact for every
    code, alternating between two workers, gets GUESSES_PER_RATING tries in all."""
    apps = workers(make_app)
    with apps[0].app_context():
        employee = make_employee()
        db.session.commit()
        first = client_at(apps[0], unique_address())
        rate(first, employee)
        pending = session_of(first)
        statuses, answers = [], []
        for index, phone in enumerate(PHONES[:4]):
            sender = client_at(apps[index % 2], unique_address(), pending)
            if sender.post("/v/sms", data={"phone": phone}).status_code != 302:
                break
            sent = code_from(sms_outbox[-1][1])
            for attempt in range(MAX_ATTEMPTS):
                guesser = client_at(apps[attempt % 2], unique_address(), pending)
                answer = guesser.post("/v/code", data={"code": wrong(sent)})
                statuses.append(answer.status_code)
                answers.append(answer.text)
            age_codes()
        # The tries left are spent: even the right code of a fresh code is refused.
        right = client_at(apps[1], unique_address(), pending)
        assert right.post("/v/sms", data={"phone": PHONES[10]}).status_code == 302
        refused = right.post("/v/code", data={"code": code_from(sms_outbox[-1][1])})
        assert refused.status_code == 422
        assert "as many tries as it may" in refused.text
        assert statuses.count(422) == len(statuses)
        assert sum(code.attempts for code in codes()) == GUESSES_PER_RATING
        assert all_ratings()[0].status is RatingStatus.PENDING


def test_codes_to_one_destination_are_capped_per_hour(make_app, sms_outbox):
    apps = workers(make_app)
    with apps[0].app_context():
        employee = make_employee()
        db.session.commit()
        statuses = []
        for index in range(CODES_PER_DESTINATION_HOUR + 1):
            # A new pending rating, address and worker each time; one victim's number.
            client = client_at(apps[index % 2], unique_address())
            rate(client, employee, comment="Still mine")
            response = client.post("/v/sms", data={"phone": "13812345678"})
            statuses.append(response.status_code)
        assert statuses == [302] * CODES_PER_DESTINATION_HOUR + [422]
        assert "Several codes were sent to this number recently" in response.text
        assert "Still mine" in response.text
        assert len(sms_outbox) == CODES_PER_DESTINATION_HOUR
        # Another number (or email, or receipt) still works for the refused customer.
        assert client.post("/v/sms", data={"phone": "13912345678"}).status_code == 302


def test_the_hourly_cap_says_how_long_to_wait_and_lifts_after_the_hour(client, app, sms_outbox):
    employee = make_employee()
    db.session.commit()
    for _ in range(CODES_PER_DESTINATION_HOUR):
        browser = app.test_client()
        rate(browser, employee)
        assert browser.post("/v/sms", data={"phone": "13812345678"}).status_code == 302
    rate(client, employee)
    refused = client.post("/v/sms", data={"phone": "13812345678"})
    assert "the next one can be sent in 1 hour" in refused.text
    age_codes(timedelta(minutes=61))
    assert client.post("/v/sms", data={"phone": "13812345678"}).status_code == 302


def test_codes_to_one_destination_are_capped_per_day(mail_app):
    app, _smtp = mail_app
    employee = make_employee()
    db.session.commit()
    client = app.test_client()
    statuses = []
    for _ in range(CODES_PER_DESTINATION_DAY + 1):
        browser = app.test_client()
        rate(browser, employee)
        statuses.append(browser.post("/v/email", data={"email": "victim@example.com"}).status_code)
        age_codes(timedelta(minutes=61))  # past the hourly cap, within the day
        if statuses[-1] == 422:
            refused = browser.post("/v/email", data={"email": "victim@example.com"})
    assert statuses == [302] * CODES_PER_DESTINATION_DAY + [422]
    assert "Several codes were sent to this email address recently" in refused.text
    age_codes(timedelta(hours=24))
    rate(client, employee)
    assert client.post("/v/email", data={"email": "victim@example.com"}).status_code == 302


@pytest.mark.parametrize("phone", ["+44 7400 123456", "+1 202 555 0143", "+7 912 345 67 89"])
def test_sms_outside_the_allowed_regions_is_refused_before_sending(
    client, employee, sms_outbox, phone
):
    rate(client, employee, comment="Do not lose me")
    response = client.post("/v/sms", data={"phone": phone})
    assert response.status_code == 422
    assert "We cannot send codes by SMS to numbers from this country or region" in response.text
    assert "Do not lose me" in response.text
    assert sms_outbox == []
    assert codes() == []


def test_allowed_regions_are_configured(make_app, sms_outbox):
    app = make_app(SMS_ALLOWED_REGIONS=("GB", "HK"))
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        client = app.test_client()
        rate(client, employee)
        assert client.post("/v/sms", data={"phone": "+44 7400 123456"}).status_code == 302
        assert sms_outbox[-1][0] == "+447400123456"
        age_codes()
        assert client.post("/v/sms", data={"phone": "+852 9123 4567"}).status_code == 302
        age_codes()
        assert client.post("/v/sms", data={"phone": "+1 202 555 0143"}).status_code == 422
        assert len(sms_outbox) == 2


def test_the_gateway_itself_refuses_numbers_outside_the_regions(app, sms_outbox):
    with app.test_request_context(), pytest.raises(SmsNotSent):
        send_sms("+447400123456", "code")
    assert sms_outbox == []


def test_sms_budget_stops_sms_but_email_and_receipts_keep_working(mail_app, sms_outbox, login_as):
    from core.models import Role
    from core.services.ratings.receipt_codes import mint_receipt_codes
    from tests.factories import make_user

    app, smtp = mail_app
    employee = make_employee()
    admin = make_user(Role.ADMIN)
    db.session.commit()
    for phone in PHONES[:2]:
        browser = app.test_client()
        rate(browser, employee)
        assert browser.post("/v/sms", data={"phone": phone}).status_code == 302
    client = app.test_client()
    rate(client, employee, comment="Kept")
    refused = client.post("/v/sms", data={"phone": PHONES[2]})
    assert refused.status_code == 422
    assert "Codes by SMS are not available right now" in refused.text
    assert len(sms_outbox) == 2
    assert client.post("/v/email", data={"email": "ok@example.com"}).status_code == 302
    smtp.catcher.wait_for("ok@example.com")
    [receipt], _expires = mint_receipt_codes(1)
    other = app.test_client()
    rate(other, employee)
    assert other.post("/v/receipt", data={"receipt_code": receipt}).location.endswith("/v/thanks")
    admin_browser = app.test_client()
    login_as(admin, target=admin_browser)
    assert "SMS budget is spent: 2 of 2" in admin_browser.get("/admin/").text


def test_sms_budget_counts_the_sites_local_day(make_app, sms_outbox):
    app = make_app(SMS_DAILY_BUDGET=1, TIME_ZONE="Asia/Shanghai")
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        first = app.test_client()
        rate(first, employee)
        assert first.post("/v/sms", data={"phone": PHONES[0]}).status_code == 302
        second = app.test_client()
        rate(second, employee)
        assert second.post("/v/sms", data={"phone": PHONES[1]}).status_code == 422
        age_codes(timedelta(days=1))  # yesterday, site time
        assert second.post("/v/sms", data={"phone": PHONES[1]}).status_code == 302


def test_dashboard_shows_no_sms_alert_under_budget(make_app, login_as):
    from core.models import Role
    from tests.factories import make_user

    app = make_app()
    with app.app_context():
        admin = make_user(Role.ADMIN)
        db.session.commit()
        browser = app.test_client()
        login_as(admin, target=browser)
        assert "SMS budget is spent" not in browser.get("/admin/").text
