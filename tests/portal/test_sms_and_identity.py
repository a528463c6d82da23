"""The SMS webhook backend against a local HTTP server, and identity normalisation."""

import hashlib
import hmac
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from core.services.messaging.sms import SmsNotSent, send_sms
from core.services.ratings.identity import (
    InvalidContact,
    identity_hash,
    normalise_email,
    normalise_phone,
)

SECRET = "webhook-shared-secret"


@contextmanager
def webhook_server(status: int = 200):
    """A tiny HTTP server on a free port that records each POST and answers `status`."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/sms", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def webhook_app(make_app, url):
    return make_app(SMS_BACKEND="webhook", SMS_WEBHOOK_URL=url, SMS_WEBHOOK_SECRET=SECRET)


def test_webhook_posts_signed_json(make_app):
    with webhook_server() as (url, received):
        app = webhook_app(make_app, url)
        with app.app_context():
            send_sms("+8613812345678", "Your code A-123456 为您")
    [(headers, body)] = received
    assert json.loads(body) == {"to": "+8613812345678", "text": "Your code A-123456 为您"}
    expected = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Signature"] == f"sha256={expected}"
    assert headers["Content-Type"].startswith("application/json")


def test_webhook_error_status_is_a_send_failure(make_app):
    with webhook_server(status=500) as (url, _received):
        app = webhook_app(make_app, url)
        with app.test_request_context(), pytest.raises(SmsNotSent):
            send_sms("+8613812345678", "code")


def test_webhook_without_a_url_is_a_send_failure(make_app):
    app = webhook_app(make_app, "")
    with app.test_request_context(), pytest.raises(SmsNotSent):
        send_sms("+8613812345678", "code")


def test_sms_code_through_the_webhook_reaches_the_customer(make_app):
    from core.extensions import db
    from tests.factories import make_employee
    from tests.portal.flow import code_from, rate

    with webhook_server() as (url, received):
        app = webhook_app(make_app, url)
        with app.app_context():
            employee = make_employee()
            db.session.commit()
            client = app.test_client()
            rate(client, employee)
            assert client.post("/v/sms", data={"phone": "13812345678"}).status_code == 302
            code = code_from(json.loads(received[0][1])["text"])
            assert client.post("/v/code", data={"code": code}).status_code == 302


def test_failed_webhook_shows_not_sent_yet(make_app):
    from core.extensions import db
    from tests.factories import make_employee
    from tests.portal.flow import codes, rate

    with webhook_server(status=503) as (url, _received):
        app = webhook_app(make_app, url)
        with app.app_context():
            employee = make_employee()
            db.session.commit()
            client = app.test_client()
            rate(client, employee)
            response = client.post("/v/sms", data={"phone": "13812345678"})
            assert response.status_code == 302
            assert "has not been sent yet" in client.get("/v/code").text
            [code] = codes()
            assert code.send_failed_at is not None


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("  Alice@Example.COM ", "alice@example.com"),
        ("li@例子.测试", "li@xn--fsqu00a.xn--0zwm56d"),
        ("Bob.Smith+tag@Mail.Example.org", "bob.smith+tag@mail.example.org"),
    ],
)
def test_email_is_normalised(app, typed, normalised):
    assert normalise_email(typed) == normalised


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("13812345678", "+8613812345678"),
        ("+86 138-1234-5678", "+8613812345678"),
        ("008613812345678", "+8613812345678"),
        ("+44 7911 123456", "+447911123456"),
    ],
)
def test_phone_is_normalised_to_e164(app, typed, normalised):
    assert normalise_phone(typed) == normalised


def test_phone_uses_the_configured_default_region(make_app):
    app = make_app(DEFAULT_PHONE_REGION="GB")
    with app.app_context():
        assert normalise_phone("07911 123456") == "+447911123456"


@pytest.mark.parametrize("typed", ["a@b.c\r\nBcc: x@y.z", "a\x00@b.com", "a@@b.com", "@b.com"])
def test_unusable_email_is_refused(app, typed):
    with app.test_request_context(), pytest.raises(InvalidContact):
        normalise_email(typed)


def test_identity_hash_is_keyed_and_stable(make_app):
    first = make_app(IDENTITY_HASH_KEY="key-one")
    with first.app_context():
        one = identity_hash("email", "alice@example.com")
        assert one == identity_hash("email", "alice@example.com")
        assert one != identity_hash("phone", "alice@example.com")
        assert one != hashlib.sha256(b"alice@example.com").hexdigest()
    second = make_app(IDENTITY_HASH_KEY="key-two")
    with second.app_context():
        assert identity_hash("email", "alice@example.com") != one
