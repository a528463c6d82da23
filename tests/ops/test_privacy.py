"""After a full customer flow, no contact, code or card token is in the logs or in clear in
the database."""

import re

import pytest

from core.extensions import db
from core.services.messaging import sms
from tests.e2e.servers import SmtpServer, one_time_code
from tests.factories import make_employee
from tests.portal.flow import code_from, rate

PHONE = "13812345678"
PHONE_E164 = "+8613812345678"
EMAIL = "private.customer@example.com"


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def flow_app(make_app, smtp, monkeypatch):
    """An app that mails through the local SMTP server and collects SMS in a list."""
    outbox = []
    monkeypatch.setitem(sms.BACKENDS, "console", lambda to, text: outbox.append((to, text)))
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=2)
    with app.app_context():
        yield app, outbox


def database_dump() -> str:
    """Every row of every table as text."""
    db.session.rollback()
    rows = []
    for table in db.metadata.sorted_tables:
        rows.extend(repr(tuple(row)) for row in db.session.execute(table.select()))
    return "\n".join(rows)


def appears(value: str, text: str) -> bool:
    """value as a whole word in text (a code is not "found" inside a longer hex hash)."""
    return re.search(rf"(?<![0-9a-z]){re.escape(value)}(?![0-9a-z])", text, re.I) is not None


def verify_by_sms(client, employee, outbox) -> str:
    assert rate(client, employee).status_code == 302
    assert client.post("/v/sms", data={"phone": PHONE}).status_code == 302
    code = code_from(outbox[-1][1])
    assert client.post("/v/code", data={"code": code}).status_code == 302
    return code


def verify_by_email(client, employee, smtp) -> str:
    assert rate(client, employee).status_code == 302
    assert client.post("/v/email", data={"email": EMAIL}).status_code == 302
    code = one_time_code(smtp.catcher.wait_for(EMAIL))
    assert client.post("/v/code", data={"code": code}).status_code == 302
    return code


@pytest.fixture
def completed_flow(flow_app, smtp, capsys):
    """Two customers rate and verify (SMS, email); what was secret, and the stderr written."""
    app, outbox = flow_app
    first, second = make_employee(), make_employee()
    db.session.commit()
    capsys.readouterr()
    sms_code = verify_by_sms(app.test_client(), first, outbox)
    email_code = verify_by_email(app.test_client(), second, smtp)
    secrets = {
        "phone": PHONE,
        "phone_e164": PHONE_E164,
        "email": EMAIL,
        "sms_code": sms_code,
        "email_code": email_code,
        "card_token": first.card_token,
    }
    return secrets, capsys.readouterr().err


def test_logs_hold_no_contact_code_or_token(completed_flow):
    secrets, stderr = completed_flow
    assert '"route": "/C/<token>"' in stderr
    leaked = [name for name, value in secrets.items() if appears(value, stderr)]
    assert leaked == []


def test_database_holds_no_contact_or_code_in_clear(completed_flow):
    secrets, _stderr = completed_flow
    dump = database_dump()
    # The card token is stored by design: it is printed on the card and looked up.
    private = {name: value for name, value in secrets.items() if name != "card_token"}
    leaked = [name for name, value in private.items() if appears(value, dump)]
    assert leaked == []
