"""Surprise service: a written standard beside each claim, a description in every claim,
and a cap of confirmed bonuses per employee and period (SQLite and PostgreSQL)."""

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import EntryKind, PointsEntry, Rating, SurpriseStatus
from core.services.people.employees import issue_private_link
from core.services.points.ledger import SurpriseCapReached
from core.services.points.rules import save_points_rules
from core.services.ratings.moderation import confirm_surprise
from scoring.points import PointsRules
from tests.concurrency import run_together
from tests.factories import make_counted_rating, make_employee, make_user

STANDARD = {"en": "Going beyond the usual, unasked: e.g. walking a customer to the desk.",
            "zh_CN": "超出常规、主动提供的服务：例如陪同客户到柜台。"}  # fmt: skip


def _claims(employee, count: int) -> list[int]:
    ids = [
        make_counted_rating(
            employee, 5, surprise_status=SurpriseStatus.CLAIMED, surprise_text=f"Helped {n}"
        ).id
        for n in range(count)
    ]
    db.session.commit()
    return ids


@pytest.fixture
def capped(app):
    """Rules with a cap of two bonuses and a written standard; the admin who saved them."""
    admin = make_user()
    db.session.commit()
    save_points_rules(PointsRules(surprise_cap=2, surprise_standard=STANDARD), admin)
    return admin


def test_bonuses_beyond_the_cap_are_refused(capped):
    employee = make_employee()
    first, second, third = _claims(employee, 3)

    confirm_surprise(db.session.get(Rating, first), capped)
    confirm_surprise(db.session.get(Rating, second), capped)
    with pytest.raises(SurpriseCapReached):
        confirm_surprise(db.session.get(Rating, third), capped)

    db.session.rollback()
    assert db.session.get(Rating, third).surprise_status is SurpriseStatus.CLAIMED


def test_simultaneous_confirmations_never_pass_the_cap(app, capped):
    employee = make_employee()
    db.session.commit()
    claim_ids, admin_id = _claims(employee, 6), capped.id

    def confirm(index: int) -> int:
        confirm_surprise(
            db.session.get(Rating, claim_ids[index]), db.session.get(type(capped), admin_id)
        )
        return index

    results = run_together(app, len(claim_ids), confirm, refused=SurpriseCapReached)

    assert sum(result is not None for result in results) == 2
    db.session.rollback()
    bonuses = (
        select(func.count()).select_from(PointsEntry).where(PointsEntry.kind == EntryKind.BONUS)
    )
    assert db.session.scalar(bonuses) == 2


def test_managers_see_the_standard_beside_the_claims(capped, admin_client):
    _claims(make_employee(), 1)

    text = admin_client.get("/admin/feedback/surprises").get_data(as_text=True)

    assert STANDARD["en"] in text and "At most 2 confirmed bonuses" in text


def test_staff_see_the_standard_in_their_language(app, capped, client):
    employee = make_employee()
    db.session.commit()
    path = issue_private_link(employee).removeprefix(app.config["PUBLIC_BASE_URL"])

    chinese = client.get(path, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)

    assert STANDARD["zh_CN"] in chinese
