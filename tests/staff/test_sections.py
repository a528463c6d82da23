"""The employee's own sections: ratings, standing, points, rewards, reply and dispute."""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import DisputeStatus, Rating, Redemption, RedemptionStatus, utcnow
from core.services.people.employees import issue_private_link
from core.services.periods import current_period_key
from tests.factories import (
    give_points,
    make_counted_rating,
    make_employee,
    make_published_award,
    make_redemption,
    make_reward,
)


@pytest.fixture
def employee(app):
    employee = make_employee(display_name="Chen Jing")
    db.session.commit()
    return employee


@pytest.fixture
def page(app, employee):
    """The path of the employee's private page."""
    db.session.commit()
    return issue_private_link(employee).removeprefix(app.config["PUBLIC_BASE_URL"])


def _rating(employee, overall=5, **kw):
    rating = make_counted_rating(
        employee,
        overall,
        period_key=current_period_key(),
        created_at=utcnow(),
        customer_hash="secret-customer-hash",
        contact="customer@example.com",
        **kw,
    )
    db.session.commit()
    return rating


def test_page_shows_ratings_without_the_customer(client, employee, page):
    _rating(employee, 4, comment="Very patient, thank you")

    text = client.get(page).get_data(as_text=True)

    assert "Very patient, thank you" in text
    assert "★★★★☆" in text
    assert "customer@example.com" not in text and "secret-customer-hash" not in text


def test_page_shows_score_balance_ledger_and_catalogue(client, employee, page):
    for _ in range(3):
        _rating(employee, 5)
    make_reward(name="Spa voucher", cost=10)
    db.session.commit()

    text = client.get(page).get_data(as_text=True)

    assert "My score this period" in text and "Rank overall" in text
    assert "<strong>15</strong>" in text  # 3 five-star ratings at 5 points each
    assert "Spa voucher" in text and "Earned" in text


def test_employee_requests_a_reward(client, employee, page):
    give_points(employee, 20)
    reward = make_reward(cost=15)
    db.session.commit()

    response = client.post(f"{page}/redeem", data={"redeem-reward_id": reward.id})

    redemption = db.session.scalar(select(Redemption))
    assert response.status_code == 302
    assert (redemption.status, redemption.requested_by_id) == (RedemptionStatus.REQUESTED, None)


def test_reward_beyond_the_balance_cannot_be_requested(client, employee, page):
    give_points(employee, 5)
    reward = make_reward(cost=15)
    db.session.commit()

    response = client.post(f"{page}/redeem", data={"redeem-reward_id": reward.id})

    assert response.status_code == 400
    assert db.session.scalar(select(Redemption)) is None


def test_open_request_holds_points_until_the_employee_cancels_it(client, employee, page):
    give_points(employee, 20)
    reward = make_reward(name="Spa voucher", cost=15)
    db.session.commit()
    client.post(f"{page}/redeem", data={"redeem-reward_id": reward.id})
    redemption_id = db.session.scalar(select(Redemption.id))

    held = client.get(page).get_data(as_text=True)
    again = client.post(f"{page}/redeem", data={"redeem-reward_id": reward.id})
    cancelled = client.post(f"{page}/redemptions/{redemption_id}/cancel", follow_redirects=True)

    assert "held by open requests: 15" in held and "Cancel request" in held
    assert again.status_code == 400, "5 available: the voucher is no longer offered"
    assert "Request cancelled" in cancelled.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Redemption, redemption_id).status is RedemptionStatus.CANCELLED
    assert "held by open requests" not in cancelled.get_data(as_text=True)


def test_employee_cannot_cancel_a_colleagues_request(client, page):
    colleague = make_employee()
    give_points(colleague, 20)
    redemption_id = make_redemption(colleague, make_reward(cost=15)).id
    db.session.commit()

    answer = client.post(f"{page}/redemptions/{redemption_id}/cancel", follow_redirects=True)

    assert "Only your own open requests can be cancelled" in answer.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Redemption, redemption_id).status is RedemptionStatus.REQUESTED


def test_employee_replies_to_a_rating(client, employee, page):
    rating = _rating(employee, 3)

    response = client.post(
        f"{page}/ratings/{rating.id}/reply", data={f"reply{rating.id}-reply": "Thanks, noted!"}
    )

    db.session.expire_all()
    assert response.status_code == 302
    assert db.session.get(Rating, rating.id).reply == "Thanks, noted!"


def test_empty_reply_is_refused_on_the_page(client, employee, page):
    rating = _rating(employee, 3)

    response = client.post(
        f"{page}/ratings/{rating.id}/reply", data={f"reply{rating.id}-reply": ""}
    )

    assert response.status_code == 400
    assert "This field is required" in response.get_data(as_text=True)


def test_employee_disputes_a_rating_once(client, employee, page):
    rating = _rating(employee, 1)
    url = f"{page}/ratings/{rating.id}/dispute"
    data = {f"dispute{rating.id}-reason": "This customer was never served by me"}

    first = client.post(url, data=data)
    second = client.post(url, data=data)

    db.session.expire_all()
    rating = db.session.get(Rating, rating.id)
    assert (first.status_code, second.status_code) == (302, 409)
    assert rating.dispute_status is DisputeStatus.OPEN
    assert rating.dispute_reason == "This customer was never served by me"


def test_cannot_reply_to_another_employees_rating(client, employee, page):
    other = _rating(make_employee(), 2)

    response = client.post(
        f"{page}/ratings/{other.id}/reply", data={f"reply{other.id}-reply": "Not mine"}
    )

    db.session.expire_all()
    assert response.status_code == 409
    assert db.session.get(Rating, other.id).reply == ""


def test_wrong_secret_cannot_post(client, employee):
    assert client.post("/me/not-a-secret/redeem", data={}).status_code == 404


def test_reply_needs_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        path = issue_private_link(employee).removeprefix(app.config["PUBLIC_BASE_URL"])
        rating = _rating(employee, 3)

        response = app.test_client().post(
            f"{path}/ratings/{rating.id}/reply", data={f"reply{rating.id}-reply": "Hello"}
        )

        assert response.status_code == 400
        db.session.expire_all()
        assert db.session.get(Rating, rating.id).reply == ""


def test_page_links_the_certificate_of_a_published_award(client, employee, page):
    winner = make_published_award(employee)

    text = client.get(page).get_data(as_text=True)

    assert f"/stars/verify/{winner.verification_token}/certificate" in text


def test_ratings_and_ledger_are_paged_newest_first(client, employee, page):
    from datetime import timedelta

    start = utcnow() - timedelta(days=1)
    for n in range(8):
        make_counted_rating(
            employee, 5, comment=f"Visit number {n}", verified_at=start + timedelta(minutes=n)
        )
    db.session.commit()

    first = client.get(page).get_data(as_text=True)
    second = client.get(f"{page}?ratings_page=2").get_data(as_text=True)

    assert "Visit number 7" in first and "Visit number 2" in first
    assert "Visit number 1" not in first.split("Ledger")[0]
    assert "Older ratings" in first and "Newer ratings" not in first
    assert "Visit number 1" in second.split("My points")[0]
    assert "Newer ratings" in second and "Older ratings" not in second
    assert "ratings_page=3" not in second
    assert client.get(f"{page}?ratings_page=-4").status_code == 200


def test_a_failed_reply_to_an_older_rating_keeps_what_was_typed(client, employee, page):
    from datetime import timedelta

    start = utcnow() - timedelta(days=1)
    oldest = make_counted_rating(employee, 2, comment="Oldest visit", verified_at=start)
    for n in range(8):
        make_counted_rating(employee, 5, verified_at=start + timedelta(minutes=n + 1))
    db.session.commit()

    answer = client.post(
        f"{page}/ratings/{oldest.id}/reply", data={f"reply{oldest.id}-reply": "x" * 1001}
    )

    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Oldest visit" in text and "x" * 1001 in text
