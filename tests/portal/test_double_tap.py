"""A double tap of "Send" ends on the same page as a single tap, on SQLite and PostgreSQL.

Both taps of one form carry the same draft and the same cookies, and are sent at the
same moment (run_together); each is its own test client, as two requests of one browser
would be (same address, same browser). No key is in the page: the service finds the
first rating by the draft's key under a lock. Several rounds, so that on PostgreSQL the
two inserts really meet.
"""

from urllib.parse import urlsplit

from core.extensions import db
from core.models import Rating, RatingClaim, RatingStatus, ReceiptCode
from core.services.ratings.receipt_codes import mint_receipt_codes
from core.services.ratings.till_codes import till_url
from portal.device import DEVICE_COOKIE, DONE_KEY, PENDING_KEY
from tests.concurrency import run_together
from tests.factories import make_employee
from tests.portal.flow import all_ratings, card_path, verified_by_sms

ROUNDS = 4


def _browser_like(app, source):
    """A new test client holding the same cookies as `source` (one browser, two taps)."""
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = source.environ_base["HTTP_USER_AGENT"]
    for name in ("session", DEVICE_COOKIE):
        cookie = source.get_cookie(name)
        if cookie is not None:
            browser.set_cookie(name, cookie.value)
    return browser


def _double_tap(app, client, employee):
    """GET the card page once, then POST its form twice at once; the two responses."""
    path = card_path(employee)
    assert client.get(path).status_code == 200
    taps = [_browser_like(app, client) for _ in range(2)]
    form = {"overall": "5", "comment": "Twice"}
    return taps, run_together(app, 2, lambda index: taps[index].post(path, data=form))


def _session_value(browser, key):
    with browser.session_transaction() as session:
        return session.get(key)


def test_double_tap_from_a_remembered_phone_ends_on_thanks_twice(client, employee, sms_outbox, app):
    verified_by_sms(client, employee, sms_outbox)
    client.get("/v/thanks")  # the device is remembered from here on
    colleagues = [
        make_employee(branch=employee.branch, display_name=f"Colleague {n}") for n in range(ROUNDS)
    ]
    db.session.commit()
    for colleague in colleagues:
        taps, responses = _double_tap(app, client, colleague)
        assert [r.status_code for r in responses] == [302, 302], [r.text[:200] for r in responses]
        assert all(r.location.endswith("/v/thanks") for r in responses)
        [rating] = [r for r in all_ratings() if r.employee_id == colleague.id]
        assert rating.status is RatingStatus.VERIFIED
        for tap in taps:
            assert _session_value(tap, DONE_KEY) == rating.id
            assert tap.get("/v/thanks").status_code == 200
    assert db.session.scalar(db.select(db.func.count(RatingClaim.rating_id))) == 1 + ROUNDS


def test_double_tap_before_verification_ends_on_the_same_pending_rating(client, app):
    colleagues = [make_employee(display_name=f"Colleague {n}") for n in range(ROUNDS)]
    db.session.commit()
    for colleague in colleagues:
        taps, responses = _double_tap(app, client, colleague)
        assert [r.status_code for r in responses] == [302, 302], [r.text[:200] for r in responses]
        assert all(r.location.endswith("/v") for r in responses)
        [rating] = [r for r in all_ratings() if r.employee_id == colleague.id]
        assert rating.status is RatingStatus.PENDING
        for tap in taps:
            assert _session_value(tap, PENDING_KEY) == rating.id
            assert tap.get("/v").status_code == 200
    assert db.session.scalar(db.select(db.func.count(Rating.id))) == ROUNDS


def test_double_tap_after_a_till_qr_ends_on_thanks_twice(client, app):
    colleagues = [make_employee(display_name=f"Colleague {n}") for n in range(ROUNDS)]
    db.session.commit()
    for colleague in colleagues:
        [code], _expires = mint_receipt_codes(1, employee=colleague)
        assert client.get(urlsplit(till_url(colleague, code)).path).status_code == 303
        taps, responses = _double_tap(app, client, colleague)
        assert [r.status_code for r in responses] == [302, 302], [r.text[:200] for r in responses]
        assert all(r.location.endswith("/v/thanks") for r in responses)
        [rating] = [r for r in all_ratings() if r.employee_id == colleague.id]
        assert rating.status is RatingStatus.VERIFIED
        for tap in taps:
            assert tap.get("/v/thanks").status_code == 200
    used = db.session.scalars(db.select(ReceiptCode.rating_id)).all()
    assert len(set(used)) == ROUNDS
