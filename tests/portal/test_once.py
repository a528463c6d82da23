"""Once per customer, employee and period: the remembered device and concurrent requests.

The concurrency test runs on the fixtures' SQLite file database, and on PostgreSQL when
TEST_DATABASE_URL is set; each thread is its own client with its own app context.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

from core.extensions import db
from core.models import PointsEntry, Rating, RatingClaim, RatingStatus
from portal.device import DEVICE_COOKIE
from tests.factories import make_employee
from tests.portal.flow import all_ratings, card_path, rate, verified_by_sms

THREADS = 50


def device_cookie(client) -> str:
    return client.get_cookie(DEVICE_COOKIE).value


def test_verified_device_is_remembered_with_a_safe_cookie(client, employee, sms_outbox):
    verified_by_sms(client, employee, sms_outbox)
    response = client.get("/v/thanks")
    cookie = response.headers.getlist("Set-Cookie")
    [device] = [c for c in cookie if c.startswith(DEVICE_COOKIE + "=")]
    assert "HttpOnly" in device
    assert "SameSite=Lax" in device
    assert "Max-Age=" in device


def test_second_employee_needs_no_second_code(client, employee, sms_outbox):
    colleague = make_employee(branch=employee.branch, display_name="Bo Chen")
    db.session.commit()
    verified_by_sms(client, employee, sms_outbox)
    client.get("/v/thanks")
    response = rate(client, colleague)
    assert response.status_code == 302
    assert response.location.endswith("/v/thanks")
    assert len(sms_outbox) == 1
    first, second = all_ratings()
    assert second.status is RatingStatus.VERIFIED
    assert second.customer_hash == first.customer_hash


def test_second_rating_of_the_same_employee_is_refused_kindly(client, employee, sms_outbox):
    # A form opened before the first rating counted (another tab) is still refused.
    assert client.get(card_path(employee)).status_code == 200
    verified_by_sms(client, employee, sms_outbox, comment="First visit")
    client.get("/v/thanks")
    response = client.post(card_path(employee), data={"overall": "1", "comment": "Changed my mind"})
    assert response.status_code == 302
    assert response.location.endswith("/v/already")
    page = client.get("/v/already")
    assert "already rated Alice Wang this month" in page.text
    [rating] = all_ratings()
    assert rating.comment == "First visit"
    assert rating.overall == 4


def test_already_rated_is_told_when_the_card_opens(client, employee, sms_outbox, app):
    assert app.extensions["card_pages"].size > 0  # the cached fresh page must not hide it
    client.get(card_path(employee))  # a fresh page of this card is now cached
    verified_by_sms(client, employee, sms_outbox)
    client.get("/v/thanks")
    page = client.get(card_path(employee))
    assert page.status_code == 200
    assert "already rated Alice Wang this month" in page.text
    assert 'name="overall"' not in page.text
    assert len(all_ratings()) == 1


def test_remembered_device_sees_a_colleague_form_without_the_code_hint(
    client, employee, sms_outbox
):
    colleague = make_employee(branch=employee.branch, display_name="Bo Chen")
    db.session.commit()
    verified_by_sms(client, employee, sms_outbox)
    client.get("/v/thanks")
    page = client.get(card_path(colleague))
    assert page.status_code == 200
    assert 'name="overall"' in page.text
    assert "Next you confirm who you are" not in page.text


def test_same_contact_on_another_device_is_refused_before_a_code_is_sent(
    client, employee, sms_outbox, app
):
    verified_by_sms(client, employee, sms_outbox)
    other = app.test_client()
    rate(other, employee)
    response = other.post("/v/sms", data={"phone": "+86 138 1234 5678"})
    assert response.status_code == 302
    assert response.location.endswith("/v/already")
    assert len(sms_outbox) == 1
    assert len(db.session.scalars(db.select(RatingClaim)).all()) == 1


def test_forged_device_cookie_is_ignored(client, employee, sms_outbox):
    client.set_cookie(DEVICE_COOKIE, "eyJoIjoiYWJjIiwicCI6IjIwMjYtMTEifQ.forged")
    response = rate(client, employee)
    assert response.location.endswith("/v")
    assert all_ratings()[0].status is RatingStatus.PENDING


def test_device_cookie_of_a_past_period_is_ignored(client, employee, sms_outbox, app):
    from itsdangerous import URLSafeSerializer

    from portal.device import DEVICE_SALT

    stale = URLSafeSerializer(app.config["SECRET_KEY"], salt=DEVICE_SALT).dumps(
        {"h": "a" * 64, "p": "2001-01"}
    )
    client.set_cookie(DEVICE_COOKIE, stale)
    response = rate(client, employee)
    assert response.location.endswith("/v")


def test_fifty_concurrent_ratings_by_one_verified_customer_store_one(
    client, employee, sms_outbox, app
):
    verified_by_sms(client, employee, sms_outbox)
    client.get("/v/thanks")
    cookie = device_cookie(client)
    db.session.execute(db.delete(RatingClaim))
    db.session.execute(db.delete(PointsEntry))
    db.session.execute(db.delete(Rating))
    db.session.commit()  # the device stays verified; the customer has not rated Alice yet
    path = card_path(employee)
    barrier = threading.Barrier(THREADS, timeout=60)

    def submit(index: int) -> tuple[int, str]:
        # No app context here: each request pushes and tears down its own, so its
        # database connection goes back to the pool as it would in a server.
        browser = app.test_client()
        browser.set_cookie(DEVICE_COOKIE, cookie)
        if browser.get(path).status_code != 200:
            barrier.abort()  # let the others fail fast instead of waiting
            raise AssertionError("the card page did not open")
        barrier.wait()
        # A draft of its own each (a repeated draft ends like one tap: test_double_tap.py).
        response = browser.post(path, data={"overall": "5", "comment": f"Visit {index}"})
        return response.status_code, response.location

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(submit, range(THREADS)))
    assert {status for status, _location in results} == {302}
    locations = [location for _status, location in results]
    assert sum(location.endswith("/v/thanks") for location in locations) == 1
    assert sum(location.endswith("/v/already") for location in locations) == THREADS - 1
    db.session.rollback()  # a fresh snapshot, after the threads' commits
    assert db.session.scalar(db.select(db.func.count(Rating.id))) == 1
    assert db.session.scalar(db.select(db.func.count(RatingClaim.rating_id))) == 1
    assert db.session.scalar(db.select(db.func.count(PointsEntry.id))) == 1


def test_concurrent_double_taps_of_one_form_store_one_rating(client, employee, app):
    path = card_path(employee)
    assert client.get(path).status_code == 200
    barrier = threading.Barrier(10, timeout=60)

    def tap(_index: int) -> int:
        barrier.wait()
        browser = app.test_client()
        browser.environ_base["HTTP_USER_AGENT"] = "one phone"  # ten taps of one browser
        return browser.post(path, data={"overall": "5"})

    with ThreadPoolExecutor(10) as pool:
        assert {r.status_code for r in pool.map(tap, range(10))} == {302}
    assert len(all_ratings()) == 1


def test_already_rated_page_without_a_refusal_is_404(client):
    assert client.get("/v/already").status_code == 404


def test_thanks_page_without_a_verified_rating_is_404(client):
    assert client.get("/v/thanks").status_code == 404
