"""No contact in any cookie: the signed session cookie is readable by whoever holds it, so
the customer's email or phone never goes in it (nor in any other cookie) at any step."""

import base64
import zlib

import pytest

from core.extensions import db
from tests.e2e.servers import SmtpServer, one_time_code
from tests.factories import make_employee
from tests.portal.flow import code_from, rate


def readable(value: str) -> str:
    """A cookie's value as anyone can read it: an itsdangerous payload decoded, else as is."""
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        return (zlib.decompress(raw) if compressed else raw).decode("utf-8")
    except (ValueError, zlib.error, UnicodeDecodeError):
        return value


class CookieWatch:
    """Every Set-Cookie of every response the client receives from now on, decoded."""

    def __init__(self, client):
        self.client = client
        self.seen: list[str] = []
        self._open = client.open
        client.open = self._open_and_record

    def _open_and_record(self, *args, **kw):
        response = self._open(*args, **kw)
        for header in response.headers.getlist("Set-Cookie"):
            value = header.split(";", 1)[0].split("=", 1)[1]
            self.seen.append(readable(value))
        return response

    def __call__(self, method: str, path: str, **kw):
        return getattr(self.client, method)(path, **kw)


def assert_absent(seen: list[str], *forms: str) -> None:
    assert seen, "no cookie was set at all"
    for text in seen:
        for form in forms:
            assert form.lower() not in text.lower(), f"{form!r} in a cookie"


@pytest.mark.parametrize("consent", ["y", None])
def test_no_phone_in_any_cookie_through_the_sms_flow(client, employee, sms_outbox, consent):
    watch = CookieWatch(client)
    watch("get", f"/C/{employee.card_token}")
    rate(client, employee, consent=consent)
    watch("get", "/v")
    assert watch("post", "/v/sms", data={"phone": "138 1234 5678"}).status_code == 302
    page = watch("get", "/v/code")
    assert "+86 •••• 5678" in page.text  # where the code went, from the code row
    watch("post", "/v/code", data={"code": "000000"})
    code = code_from(sms_outbox[-1][1])
    assert watch("post", "/v/code", data={"code": code}).status_code == 302
    watch("get", "/v/thanks")
    assert_absent(watch.seen, "13812345678", "+8613812345678", "138 1234 5678")


def test_no_email_in_any_cookie_through_the_email_flow(make_app):
    with SmtpServer() as smtp:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        with app.app_context():
            employee = make_employee()
            db.session.commit()
            client = app.test_client()
            watch = CookieWatch(client)
            rate(client, employee, consent="y")
            response = watch("post", "/v/email", data={"email": "Jing.Li@Example.com"})
            assert response.status_code == 302
            assert "j•••@example.com" in watch("get", "/v/code").text
            message = smtp.catcher.wait_for("jing.li@example.com")
            assert (
                watch("post", "/v/code", data={"code": one_time_code(message)}).status_code == 302
            )
            watch("get", "/v/thanks")
            assert_absent(watch.seen, "jing.li@example.com", "jing.li", "Jing.Li")
