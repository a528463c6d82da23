"""Helpers that walk a customer through the flow with a test client."""

import re

from core.extensions import db
from core.models import Rating, VerificationCode

CODE_IN_TEXT = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def card_path(employee) -> str:
    return f"/C/{employee.card_token}"


def rate(client, employee, **fields):
    """GET the card page, then POST the form with these fields over sensible defaults."""
    assert client.get(card_path(employee)).status_code in (200, 304)
    data = {
        "overall": "4",
        "dim_attitude": "5",
        "dim_skill": "4",
        "dim_efficiency": "3",
        "comment": "Quick and kind",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(card_path(employee), data=data)


def all_ratings() -> list[Rating]:
    db.session.rollback()  # a fresh snapshot: requests committed on other sessions
    return list(db.session.scalars(db.select(Rating).order_by(Rating.id)))


def code_from(text: str) -> str:
    return CODE_IN_TEXT.search(text).group(1)


def send_sms_code(client, outbox, phone="13812345678") -> str:
    """Ask for an SMS code for the browser's pending rating; the code it carried."""
    response = client.post("/v/sms", data={"phone": phone})
    assert response.status_code == 302, response.text
    return code_from(outbox[-1][1])


def rate_and_get_code(client, employee, outbox, phone="13812345678", **fields) -> str:
    """A pending rating and an SMS code for it."""
    response = rate(client, employee, **fields)
    assert response.status_code == 302, response.text
    return send_sms_code(client, outbox, phone)


def verified_by_sms(client, employee, outbox, phone="13812345678", **fields):
    """Rate and verify by SMS in one go; the response to the code POST."""
    code = rate_and_get_code(client, employee, outbox, phone, **fields)
    return client.post("/v/code", data={"code": code})


def codes() -> list[VerificationCode]:
    db.session.rollback()
    return list(db.session.scalars(db.select(VerificationCode).order_by(VerificationCode.id)))
