"""Every ledger entry says what it is for: rating, surprise claim, reward, correction, reversal."""

from datetime import UTC, datetime

from core.extensions import db
from core.models import SurpriseStatus
from core.services.people.employees import issue_private_link
from core.services.points.ledger import (
    adjust_points,
    award_surprise_bonus,
    reverse_rating,
    spend_points,
)
from core.services.points.ledger_lines import ledger_lines
from tests.factories import make_counted_rating, make_employee, make_redemption, make_reward

VERIFIED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def _ledger_of_every_kind():
    """An employee with one entry of each kind; returns the employee."""
    employee = make_employee()
    praised = make_counted_rating(
        employee, 5, comment="Explained every step patiently, twice over.", verified_at=VERIFIED
    )
    surprised = make_counted_rating(
        employee, 4, comment="", surprise_status=SurpriseStatus.CLAIMED,
        surprise_text="Walked me to the right desk.", verified_at=VERIFIED,
    )  # fmt: skip
    award_surprise_bonus(surprised, None)
    hidden = make_counted_rating(employee, 1, comment="Rude words here", verified_at=VERIFIED)
    reverse_rating(hidden, None, "Posted by a competitor")
    adjust_points(employee, 7, None, "Helped at the open day")
    redemption = make_redemption(employee, make_reward(name="Cinema ticket", cost=3))
    spend_points(employee.id, 3, f"redemption:{redemption.id}", None, "Cinema ticket")
    db.session.commit()
    return employee, praised


def test_each_line_points_at_what_the_entry_is_for(app):
    employee, praised = _ledger_of_every_kind()

    lines = ledger_lines(employee.id)

    sources = sorted((line.entry.kind.value, line.source) for line in lines)
    assert sources == [
        ("adjustment", "adjustment"),
        ("bonus", "surprise"),
        ("earned", "rating"),
        ("earned", "rating"),
        ("earned", "rating"),
        ("redeemed", "redemption"),
        ("reversal", "rating"),
    ]
    assert all(line.rating or line.redemption or line.source == "adjustment" for line in lines)
    assert praised in [line.rating for line in lines]


def test_the_private_page_says_what_every_entry_is_for(app, client):
    employee, _praised = _ledger_of_every_kind()
    path = issue_private_link(employee).removeprefix(app.config["PUBLIC_BASE_URL"])

    text = client.get(path).get_data(as_text=True)
    ledger = text[text.index("<h3>Ledger</h3>") :]

    assert "Rating of 2026-11-20" in ledger
    assert "Explained every step patiently" in ledger
    assert "Surprise service in the rating of 2026-11-20" in ledger
    assert "Walked me to the right desk." in ledger
    assert "Posted by a competitor" in ledger, "a reversal says why"
    assert "Rude words here" not in ledger, "a hidden rating's words are not repeated"
    assert "Correction" in ledger and "Helped at the open day" in ledger
    assert "Reward: " in ledger and "Cinema ticket" in ledger
    assert '<td class="comment"></td>' not in ledger, "no entry without a purpose"
