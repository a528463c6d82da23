"""A repeated POST of a draft without a key in the page (core/services/ratings/submission.py).

Same device, same employee, moments apart: one rating. Anything else: a rating of its own.
Concurrent double taps on SQLite and PostgreSQL are in test_double_tap.py and test_once.py.
"""

from core.extensions import db
from core.models import RatingStatus
from tests.portal.flow import all_ratings, card_path, rate, verified_by_sms

DRAFT = {"overall": "5", "comment": "Lovely"}


def _browser(app, agent):
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = agent
    return browser


def test_a_corrected_draft_after_back_updates_the_pending_rating(client, employee):
    assert rate(client, employee, overall="2", comment="Slow").status_code == 302
    again = rate(client, employee, overall="4", comment="Slow, but kind", dim_skill=None)
    assert again.location.endswith("/v")
    [rating] = all_ratings()
    assert (rating.overall, rating.comment) == (4, "Slow, but kind")
    assert {star.dimension for star in rating.stars} == {"attitude", "efficiency"}


def test_the_same_draft_from_another_browser_is_another_rating(app, employee):
    path = card_path(employee)
    for agent in ("phone A", "phone B"):
        assert _browser(app, agent).post(path, data=DRAFT).status_code == 302
    assert len(all_ratings()) == 2


def test_the_same_draft_for_another_employee_is_another_rating(app, employee):
    from tests.factories import make_employee

    colleague = make_employee(branch=employee.branch, display_name="Bo Chen")
    db.session.commit()
    for person in (employee, colleague):
        assert _browser(app, "phone A").post(card_path(person), data=DRAFT).status_code == 302
    assert len(all_ratings()) == 2


def test_the_same_draft_after_the_double_tap_window_is_another_rating(app, employee):
    app.config["RATING_DOUBLE_TAP_SECONDS"] = 0
    for _ in range(2):
        assert _browser(app, "phone A").post(card_path(employee), data=DRAFT).status_code == 302
    assert len(all_ratings()) == 2


def test_a_stranger_with_the_same_browser_is_never_thanked_for_a_verified_rating(
    app, employee, sms_outbox
):
    first = _browser(app, "phone A")
    verified_by_sms(first, employee, sms_outbox, **DRAFT)
    [verified] = all_ratings()
    assert verified.status is RatingStatus.VERIFIED
    # Same address, same browser, same draft, moments later, but none of first's cookies.
    response = rate(_browser(app, "phone A"), employee, **DRAFT)
    assert response.location.endswith("/v")
    assert [r.status for r in all_ratings()] == [RatingStatus.VERIFIED, RatingStatus.PENDING]
