"""MAIL_BACKEND: "file" writes readable .eml files for the demo; "smtp" sends for real."""

import email
import json
from email import policy
from pathlib import Path

import pytest

from core.extensions import db
from core.models import RatingStatus
from core.services.messaging.mail import MailNotSent, send_mail
from tests.e2e.servers import SmtpServer, message_text, one_time_code
from tests.factories import make_employee
from tests.portal.flow import all_ratings, rate


def _mail_files(app) -> list[Path]:
    return sorted((Path(app.instance_path) / "mail").glob("*.eml"))


def _log_lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


@pytest.fixture
def file_app(make_app):
    app = make_app(MAIL_BACKEND="file")
    with app.app_context():
        yield app


def test_file_backend_writes_a_readable_message_with_the_code(file_app, capsys):
    client = file_app.test_client()
    employee = make_employee(display_name="Alice Wang")
    db.session.commit()
    rate(client, employee)
    capsys.readouterr()
    assert client.post("/v/email", data={"email": "customer@example.com"}).status_code == 302
    [path] = _mail_files(file_app)
    raw = path.read_bytes()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["To"] == "customer@example.com"
    code = one_time_code(message)
    assert code.encode() in raw  # plain text: a person reads it in any editor
    assert b"Alice Wang" in raw
    logged = [line["message"] for line in _log_lines(capsys.readouterr().err)]
    assert any("development mail backend" in m and str(path) in m for m in logged)
    assert not any(code in m or "customer@example.com" in m for m in logged)
    assert client.post("/v/code", data={"code": code}).status_code == 302
    assert all_ratings()[0].status is RatingStatus.VERIFIED


def test_file_backend_keeps_chinese_readable(file_app):
    send_mail("kehu@example.com", "您的验证码 A-123456", "您好，验证码是 A-123456。" + "很" * 90)
    [path] = _mail_files(file_app)
    raw = path.read_bytes()
    assert "您的验证码 A-123456".encode() in raw  # the subject, not an encoded word
    assert "您好，验证码是 A-123456。".encode() in raw  # the body, not base64
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "您的验证码 A-123456"
    assert message_text(message).startswith("您好，验证码是 A-123456。")


def test_file_backend_that_cannot_write_says_not_sent(file_app):
    (Path(file_app.instance_path) / "mail").write_text("a file where the folder goes")
    with pytest.raises(MailNotSent):
        send_mail("kehu@example.com", "Subject", "Body")


def test_smtp_backend_sends_through_the_mail_server_and_writes_no_file(make_app):
    with SmtpServer() as server:
        app = make_app(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        with app.app_context():
            send_mail("customer@example.com", "Your code A-123456", "The code is A-123456.")
            message = server.catcher.wait_for("customer@example.com")
    assert "A-123456" in message_text(message)
    assert _mail_files(app) == []


def test_unknown_backend_is_not_sent(make_app):
    app = make_app(MAIL_BACKEND="carrier-pigeon")
    with app.app_context(), pytest.raises(MailNotSent):
        send_mail("customer@example.com", "Subject", "Body")
    assert _mail_files(app) == []
