"""Rate limits on sending and checking codes, per client address and per identity."""

from datetime import timedelta

import pytest

from core.extensions import db
from core.models import VerificationCode
from tests.factories import make_employee
from tests.portal.flow import code_from, rate

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "CODE_SEND_LIMIT": "2 per hour",
    "CODE_CHECK_LIMIT": "3 per hour",
}


@pytest.fixture
def limited(make_app):
    """An app with small limits switched on, and an employee to rate."""
    app = make_app(**LIMITS)
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        yield app, employee


def browser(app, employee, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    rate(client, employee)
    return client


def wrong_code(outbox) -> str:
    """A code that is surely not the one last sent."""
    return f"{(int(code_from(outbox[-1][1])) + 1) % 10**6:06d}"


def allow_resend():
    db.session.rollback()
    for code in db.session.scalars(db.select(VerificationCode)):
        code.created_at -= timedelta(hours=1)
    db.session.commit()


def test_sending_codes_is_limited_per_client_address(limited, sms_outbox):
    app, employee = limited
    client = browser(app, employee, "10.1.1.1")
    statuses = []
    for number in ("13812345671", "13812345672", "13812345673"):
        statuses.append(client.post("/v/sms", data={"phone": number}).status_code)
        allow_resend()
    assert statuses == [302, 302, 429]
    assert len(sms_outbox) == 2


def test_sending_codes_is_limited_per_identity(limited, sms_outbox):
    app, employee = limited
    statuses = []
    for index in range(3):
        client = browser(app, employee, f"10.2.2.{index}")
        statuses.append(client.post("/v/sms", data={"phone": "13812345678"}).status_code)
    assert statuses == [302, 302, 429]
    assert len(sms_outbox) == 2


def test_checking_codes_is_limited_per_client_address(limited, sms_outbox):
    app, employee = limited
    client = browser(app, employee, "10.3.3.3")
    client.post("/v/sms", data={"phone": "13812345678"})
    wrong = wrong_code(sms_outbox)
    statuses = [client.post("/v/code", data={"code": wrong}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_checking_codes_is_limited_per_identity(limited, sms_outbox):
    app, employee = limited
    first = browser(app, employee, "10.4.4.0")
    first.post("/v/sms", data={"phone": "13812345678"})
    with first.session_transaction() as session:
        same_pending_rating = dict(session)
    statuses = []
    for index in range(4):
        # The same customer's pending code, tried from a new address each time.
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.4.4.{index + 1}"
        with client.session_transaction() as session:
            session.update(same_pending_rating)
        statuses.append(client.post("/v/code", data={"code": wrong_code(sms_outbox)}).status_code)
    assert statuses == [422, 422, 422, 429]


def test_limits_answer_with_the_translated_429_page(limited, sms_outbox):
    app, employee = limited
    client = browser(app, employee, "10.5.5.5")
    for _ in range(3):
        response = client.post("/v/sms", data={"phone": "13812345678"})
        allow_resend()
    assert response.status_code == 429
    assert "Too many attempts" in response.text


def test_rating_posts_are_limited_per_client_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATING_POST_LIMIT="2 per hour")
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        client = app.test_client()
        statuses = [rate(client, employee).status_code for _ in range(3)]
        assert statuses == [302, 302, 429]
        assert client.get(f"/C/{employee.card_token}").status_code == 200


def test_pos_api_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, POS_API_LIMIT="1 per minute", POS_API_KEYS=("k1",))
    with app.app_context():
        client = app.test_client()
        headers = {"X-API-Key": "k1"}
        assert client.post("/api/receipt-codes", headers=headers).status_code == 201
        assert client.post("/api/receipt-codes", headers=headers).status_code == 429
