"""A double-tapped Confirm ends on thanks, like a single tap, on SQLite and PostgreSQL.

Both taps carry the same cookies (the pending rating's id, sent before the first answer)
and the same right code, and are sent at the same moment (run_together); several rounds,
so that on PostgreSQL the two requests really meet at the rating's row lock.
"""

from core.extensions import db
from core.models import PointsEntry, RatingClaim, RatingStatus
from core.services.ratings.receipt_codes import mint_receipt_codes
from portal.device import DEVICE_COOKIE
from tests.concurrency import run_together
from tests.factories import make_employee
from tests.portal.flow import all_ratings, rate, rate_and_get_code

ROUNDS = 3


def _browser_like(app, source):
    """A new test client holding the same cookies as `source` (one browser, two taps)."""
    browser = app.test_client()
    for name in ("session", DEVICE_COOKIE):
        cookie = source.get_cookie(name)
        if cookie is not None:
            browser.set_cookie(name, cookie.value)
    return browser


def _tap_twice(app, client, path, form):
    taps = [_browser_like(app, client) for _ in range(2)]
    return taps, run_together(app, 2, lambda index: taps[index].post(path, data=form))


def _assert_both_thanked(taps, responses):
    assert [r.status_code for r in responses] == [302, 302], [r.text[:300] for r in responses]
    assert all(r.location.endswith("/v/thanks") for r in responses)
    db.session.rollback()  # the test's session may hold the rating as it was, pending
    for tap in taps:
        assert tap.get("/v/thanks").status_code == 200


def _counted_once(rounds: int) -> None:
    ratings = all_ratings()
    assert [r.status for r in ratings] == [RatingStatus.VERIFIED] * rounds
    assert db.session.scalar(db.select(db.func.count(RatingClaim.rating_id))) == rounds
    assert db.session.scalar(db.select(db.func.count(PointsEntry.id))) == rounds


def test_double_tapped_confirm_of_a_one_time_code_ends_on_thanks_twice(app, sms_outbox):
    employees = [make_employee(display_name=f"Colleague {n}") for n in range(ROUNDS)]
    db.session.commit()
    for index, employee in enumerate(employees):
        client = app.test_client()
        code = rate_and_get_code(client, employee, sms_outbox, phone=f"1381234567{index}")
        taps, responses = _tap_twice(app, client, "/v/code", {"code": code})
        _assert_both_thanked(taps, responses)
    _counted_once(ROUNDS)


def test_double_tapped_confirm_of_a_receipt_code_ends_on_thanks_twice(app):
    employees = [make_employee(display_name=f"Colleague {n}") for n in range(ROUNDS)]
    db.session.commit()
    receipts, _expires = mint_receipt_codes(ROUNDS)
    for employee, receipt in zip(employees, receipts, strict=True):
        client = app.test_client()
        rate(client, employee)
        taps, responses = _tap_twice(app, client, "/v/receipt", {"receipt_code": receipt})
        _assert_both_thanked(taps, responses)
    _counted_once(ROUNDS)


def test_a_later_second_confirm_of_a_receipt_code_ends_on_thanks(client, app, employee):
    [receipt], _expires = mint_receipt_codes(1)
    rate(client, employee)
    later = _browser_like(app, client)
    assert client.post("/v/receipt", data={"receipt_code": receipt}).status_code == 302
    response = later.post("/v/receipt", data={"receipt_code": receipt.lower()})
    assert response.status_code == 302
    assert response.location.endswith("/v/thanks")
    _counted_once(1)


def test_another_receipt_code_for_a_verified_rating_is_refused(client, app, employee):
    first, other = mint_receipt_codes(2)[0]
    rate(client, employee)
    later = _browser_like(app, client)
    assert client.post("/v/receipt", data={"receipt_code": first}).status_code == 302
    response = later.post("/v/receipt", data={"receipt_code": other})
    assert response.status_code == 410
    assert later.get("/v/thanks").status_code == 404
    _counted_once(1)
