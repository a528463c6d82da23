"""Rate limits on sending and checking codes and on rating posts, per client address.

An IPv6 client counts per /64. The caps per pending rating and per destination are in
test_verification_caps.py; the place-keeping 429 pages in test_shared_address.py.
"""

import secrets
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
    """A customer's browser with a draft of its own stored (same drafts from one address
    and browser moments apart are one double tap: test_double_tap.py)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    rate(client, employee, comment=f"Customer {secrets.token_hex(4)}")
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


def test_checking_codes_is_limited_per_client_address(limited, sms_outbox):
    app, employee = limited
    client = browser(app, employee, "10.3.3.3")
    client.post("/v/sms", data={"phone": "13812345678"})
    wrong = wrong_code(sms_outbox)
    statuses = [client.post("/v/code", data={"code": wrong}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_limits_answer_with_the_translated_429_page(limited, sms_outbox):
    app, employee = limited
    client = browser(app, employee, "10.5.5.5")
    for number in ("13812345671", "13812345672", "13812345673"):
        response = client.post("/v/sms", data={"phone": number})
        allow_resend()
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert 1 <= int(response.headers["Retry-After"]) <= 3601


@pytest.mark.parametrize(
    ("first", "second", "same_client"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:fffe", True),
        ("2001:db8:1:2::1", "2001:db8:1:3::1", False),
        ("::ffff:10.6.6.6", "10.6.6.6", True),
        ("10.6.6.6", "10.6.6.7", False),
    ],
)
def test_an_ipv6_64_counts_as_one_client(limited, sms_outbox, first, second, same_client):
    app, employee = limited
    statuses = []
    for address, number in (
        (first, "13812345671"),
        (second, "13812345672"),
        (first, "13812345673"),
    ):
        client = browser(app, employee, address)
        statuses.append(client.post("/v/sms", data={"phone": number}).status_code)
    # Limit: 2 per hour per client.
    assert statuses == ([302, 302, 429] if same_client else [302, 302, 302])


def test_rating_client_hash_is_the_same_within_an_ipv6_64(make_app):
    from core.services.ratings.identity import client_hash

    app = make_app()
    with app.app_context():
        assert client_hash("2001:db8:a:b::1") == client_hash("2001:db8:a:b:1:2:3:4")
        assert client_hash("2001:db8:a:b::1") != client_hash("2001:db8:a:c::1")
        assert client_hash("10.0.0.1") != client_hash("10.0.0.2")


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
