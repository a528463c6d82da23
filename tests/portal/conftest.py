"""Fixtures for the customer flow: an employee with a card, an SMS outbox."""

import pytest

from core.extensions import db
from core.services.messaging import sms
from tests.factories import make_employee


@pytest.fixture
def employee(app):
    """Alice, active, with a card; committed so every client sees her."""
    alice = make_employee(display_name="Alice Wang", title="Teller")
    db.session.commit()
    return alice


@pytest.fixture
def sms_outbox(monkeypatch):
    """Every SMS the console backend would log, as (to, text)."""
    sent = []
    monkeypatch.setitem(sms.BACKENDS, "console", lambda to, text: sent.append((to, text)))
    return sent
