"""Email codes over a real SMTP server on localhost (aiosmtpd), and mail servers that fail.

The send queue runs in immediate mode here (the send happens inside the request), so a
failure is final at once and the code page says so.
"""

import socket
import threading
from contextlib import contextmanager

import pytest
from aiosmtpd.controller import Controller

from core.extensions import db
from core.models import RatingStatus
from tests.e2e.servers import SmtpServer, free_port, message_text, one_time_code
from tests.factories import make_employee
from tests.portal.flow import all_ratings, codes, rate


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@contextmanager
def mail_client(make_app, port):
    """A client of an app that mails through 127.0.0.1:port, and Alice to rate."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=1)
    with app.app_context():
        employee = make_employee(display_name="Alice Wang")
        db.session.commit()
        yield app.test_client(), employee


def test_email_code_arrives_and_verifies_the_rating(make_app, smtp):
    with mail_client(make_app, smtp.port) as (client, employee):
        rate(client, employee)
        response = client.post("/v/email", data={"email": "  Customer@Example.COM "})
        assert response.status_code == 302
        assert response.location.endswith("/v/code")
        message = smtp.catcher.wait_for("customer@example.com")
        [code_row] = codes()
        assert f"{code_row.prefix}-" in message["Subject"]
        assert "Alice Wang" in message_text(message)
        code_page = client.get("/v/code").text
        assert "c•••@example.com" in code_page  # where it went, masked
        assert "customer@example.com" not in code_page
        response = client.post("/v/code", data={"code": one_time_code(message)})
        assert response.status_code == 302
        assert all_ratings()[0].status is RatingStatus.VERIFIED


def test_email_code_is_written_in_the_customers_language(make_app, smtp):
    # The message is written in the request, in the customer's language; the queue's
    # worker only sends it.
    with mail_client(make_app, smtp.port) as (client, employee):
        client.set_cookie("lang", "zh_CN")
        rate(client, employee)
        assert client.post("/v/email", data={"email": "kehu@example.com"}).status_code == 302
        assert all_ratings()[0].locale == "zh_CN"
        message = smtp.catcher.wait_for("kehu@example.com")
    assert message["Subject"].startswith("您的验证码 ")


def test_internationalised_domain_is_sent_as_punycode(make_app, smtp):
    with mail_client(make_app, smtp.port) as (client, employee):
        rate(client, employee)
        assert client.post("/v/email", data={"email": "li@例子.测试"}).status_code == 302
        smtp.catcher.wait_for("li@xn--fsqu00a.xn--0zwm56d")


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not-an-email", "valid email address"),
        ("a@b", "valid email address"),
        ("victim@example.com\r\nBcc: many@example.com", "without line breaks"),
        ("victim@example.com\nBcc: many@example.com", "without line breaks"),
        ("one@example.com, two@example.com", "without line breaks"),
        ("Name <one@example.com>", "without line breaks"),
        ("x" * 250 + "@example.com", "too long"),
    ],
)
def test_malformed_email_is_refused_next_to_the_field(make_app, smtp, email, message):
    with mail_client(make_app, smtp.port) as (client, employee):
        rate(client, employee, comment="Keep this comment")
        response = client.post("/v/email", data={"email": email})
        assert response.status_code == 422
        assert message in response.text
        assert "Keep this comment" in response.text
        assert codes() == []
    assert smtp.catcher.messages == []


def not_sent_yet(client, response) -> None:
    """A failed send: the code page says the code has not gone; the code does not count."""
    assert response.status_code == 302
    assert response.location.endswith("/v/code")
    page = client.get("/v/code")
    assert page.status_code == 200
    assert "has not been sent yet" in page.text
    assert all(code.send_failed_at is not None for code in codes())


def test_refused_connection_says_not_sent_yet(make_app):
    with mail_client(make_app, free_port()) as (client, employee):
        rate(client, employee)
        not_sent_yet(client, client.post("/v/email", data={"email": "c@example.com"}))
        # The customer may try again at once: no resend wait for a code never received.
        not_sent_yet(client, client.post("/v/email", data={"email": "c@example.com"}))


class Refusing:
    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        return "550 mailbox unavailable"


def test_mail_server_that_refuses_the_recipient_says_not_sent_yet(make_app):
    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with mail_client(make_app, port) as (client, employee):
            rate(client, employee)
            not_sent_yet(client, client.post("/v/email", data={"email": "c@example.com"}))
    finally:
        controller.stop()


def test_hanging_mail_server_times_out_with_a_message(make_app):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    stop = threading.Event()

    def accept_and_say_nothing():
        connection, _address = listener.accept()
        accepted.append(connection)
        stop.wait(10)

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    try:
        with mail_client(make_app, listener.getsockname()[1]) as (client, employee):
            rate(client, employee)
            not_sent_yet(client, client.post("/v/email", data={"email": "c@example.com"}))
    finally:
        stop.set()
        for connection in accepted:
            connection.close()
        listener.close()
        thread.join(5)
