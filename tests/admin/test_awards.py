"""Award periods: candidates, winners, publishing a frozen snapshot, withdrawing."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, AwardPeriod, AwardStatus, Role, SurpriseStatus
from core.services.awards.candidates import candidates
from core.services.awards.publishing import publish_period
from core.services.awards.winners import AwardError, add_winner, latest_snapshot, withdraw_period
from core.services.points.rules import save_points_rules
from scoring.points import PointsRules
from tests.factories import (
    make_award_period,
    make_counted_rating,
    make_employee,
    make_published_award,
    make_user,
)

IN_PERIOD = datetime(2026, 11, 10, 12, tzinfo=UTC)
AFTER_PERIOD = datetime(2026, 12, 10, 12, tzinfo=UTC)


def _rate(employee, stars: list[int], when=IN_PERIOD, **kw):
    for overall in stars:
        make_counted_rating(employee, overall, created_at=when, **kw)


def _category(period, kind: str):
    return next(c for c in period.categories if c.kind.value == kind)


def test_admin_creates_a_period_with_both_categories(admin_client):
    response = admin_client.post(
        "/admin/awards",
        data={"name": "November 2026", "starts_on": "2026-11-01", "ends_on": "2026-11-30"},
    )

    period = db.session.scalar(select(AwardPeriod))
    assert response.status_code == 302
    assert period.status is AwardStatus.DRAFT
    assert [c.name for c in period.categories] == ["Service Star", "Surprise Service Star"]


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "starts_on": "2026-11-01", "ends_on": "2026-11-30"},
        {"name": "Backwards", "starts_on": "2026-11-30", "ends_on": "2026-11-01"},
        {"name": "Bad date", "starts_on": "2026-13-01", "ends_on": "2026-11-30"},
    ],
)
def test_bad_period_is_refused_and_kept(admin_client, data):
    response = admin_client.post("/admin/awards", data=data)

    assert response.status_code == 400
    assert db.session.scalar(select(AwardPeriod)) is None
    assert data["starts_on"] in response.get_data(as_text=True)


def test_managers_cannot_open_awards(manager_client):
    assert manager_client.get("/admin/awards").status_code == 403


def test_many_good_ratings_beat_one_perfect_rating(app):
    steady, lucky = make_employee(display_name="Steady"), make_employee(display_name="Lucky")
    _rate(steady, [5, 5, 5, 5, 4, 5, 5, 5])
    _rate(lucky, [5])
    period = make_award_period()

    listed = candidates(_category(period, "service_star"))

    assert [(c.name, c.rank, c.eligible) for c in listed] == [
        ("Steady", 1, True),
        ("Lucky", None, False),
    ]


def test_ratings_outside_the_days_are_not_candidates(app):
    _rate(make_employee(), [5, 5, 5], when=AFTER_PERIOD, period_key="2026-12")

    assert candidates(_category(make_award_period(), "service_star")) == []


def test_surprise_category_ranks_by_confirmed_surprises(app):
    one, two = make_employee(display_name="One"), make_employee(display_name="Two")
    _rate(one, [5, 5, 5, 5, 5])
    _rate(one, [4], surprise_status=SurpriseStatus.CONFIRMED)
    _rate(two, [4, 4], surprise_status=SurpriseStatus.CONFIRMED)

    listed = candidates(_category(make_award_period(), "surprise"))

    assert [(c.name, c.rank, c.surprises) for c in listed] == [("Two", 1, 2), ("One", 2, 1)]


def test_disciplinary_flag_bars_from_ranking(app):
    flagged = make_employee(disciplinary_flag=True)
    _rate(flagged, [5, 5, 5, 5])

    (listed,) = candidates(_category(make_award_period(), "service_star"))

    assert listed.rank is None and not listed.eligible


def test_winner_needs_a_citation(app):
    period = make_award_period()
    with pytest.raises(AwardError):
        add_winner(_category(period, "service_star"), make_employee(), "  ", None)


def test_publishing_without_winners_is_refused(app):
    period = make_award_period()
    db.session.commit()

    with pytest.raises(AwardError):
        publish_period(period.id, None)
    assert db.session.get(AwardPeriod, period.id).status is AwardStatus.DRAFT


def _published_period():
    admin = make_user(Role.ADMIN)
    star = make_employee(display_name="Star Person")
    _rate(star, [5, 5, 4, 5])
    period = make_award_period(name="November")
    db.session.commit()
    add_winner(_category(period, "service_star"), star, "Always kind.", None)
    publish_period(period.id, admin)
    return db.session.get(AwardPeriod, period.id), star


def test_snapshot_stays_frozen_after_new_ratings_and_rule_changes(app):
    period, star = _published_period()
    frozen = latest_snapshot(period).results
    rival = make_employee(display_name="Rival")
    _rate(rival, [5] * 20)
    _rate(star, [1, 1, 1])
    db.session.commit()
    save_points_rules(PointsRules(per_star=(0, 1, 2, 3, 4), surprise_bonus=9), None)
    db.session.commit()

    db.session.expire_all()
    snapshot = latest_snapshot(db.session.get(AwardPeriod, period.id))
    assert snapshot.results == frozen
    assert snapshot.results["rules"]["points"]["per_star"] == [0, 0, 1, 3, 5]
    winners = snapshot.results["categories"][0]["winners"]
    assert [(w["name"], w["count"]) for w in winners] == [("Star Person", 4)]
    live = candidates(_category(period, "service_star"))
    assert live[0].name == "Rival"


def test_winners_cannot_change_after_publishing(app):
    period, _star = _published_period()

    with pytest.raises(AwardError):
        add_winner(_category(period, "service_star"), make_employee(), "Late", None)


def test_withdraw_keeps_the_snapshot_and_audits(app):
    period, _star = _published_period()

    withdraw_period(period.id, None, "Data error found")

    db.session.expire_all()
    period = db.session.get(AwardPeriod, period.id)
    assert period.status is AwardStatus.WITHDRAWN
    assert latest_snapshot(period).withdrawn_at is not None
    audit = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "award_period.withdraw")
    )
    assert audit.after["reason"] == "Data error found"


def test_admin_picks_winner_and_publishes_through_pages(admin_client):
    star = make_employee(display_name="Page Star")
    _rate(star, [5, 5, 5])
    period = make_award_period()
    category = _category(period, "service_star")
    db.session.commit()

    detail = admin_client.get(f"/admin/awards/{period.id}")
    added = admin_client.post(
        f"/admin/awards/{period.id}/categories/{category.id}/winners",
        data={f"c{category.id}-employee_id": star.id, f"c{category.id}-citation": "Great."},
    )
    published = admin_client.post(f"/admin/awards/{period.id}/publish")

    assert detail.status_code == 200 and "Page Star" in detail.get_data(as_text=True)
    assert (added.status_code, published.status_code) == (302, 302)
    assert db.session.get(AwardPeriod, period.id).status is AwardStatus.PUBLISHED


def test_winner_without_citation_rerenders_with_message(admin_client):
    star = make_employee()
    period = make_award_period(starts_on=date(2026, 11, 1))
    category = _category(period, "service_star")
    _rate(star, [5])
    db.session.commit()

    response = admin_client.post(
        f"/admin/awards/{period.id}/categories/{category.id}/winners",
        data={f"c{category.id}-employee_id": star.id, f"c{category.id}-citation": ""},
    )

    assert response.status_code == 400
    assert category.winners == []


def test_certificate_carries_a_qr_code_to_the_verification_page(admin_client):
    period, _star = _published_period()
    winner = period.categories[0].winners[0]
    db.session.commit()

    page = admin_client.get(f"/admin/awards/winners/{winner.id}/certificate")

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="qr"' in text
    assert f"https://stars.example.com/stars/verify/{winner.verification_token}" in text
    assert "style=" not in text


def test_admin_withdraws_with_a_reason_through_the_page(admin_client):
    winner = make_published_award()
    period_id = winner.category.period_id
    db.session.commit()

    refused = admin_client.post(f"/admin/awards/{period_id}/withdraw", data={"reason": ""})
    done = admin_client.post(f"/admin/awards/{period_id}/withdraw", data={"reason": "Recount"})

    assert (refused.status_code, done.status_code) == (400, 302)
    db.session.expire_all()
    assert db.session.get(AwardPeriod, period_id).status is AwardStatus.WITHDRAWN
