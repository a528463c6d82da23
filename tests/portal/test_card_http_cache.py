"""The fresh scan's card page as a cacheable resource (portal/card_page.py): no cookie,
a strong ETag from its content and language, a 304 without rendering, public for a
short while; pages with a browser's own state are private."""

import pytest

from core.extensions import db
from portal import card_page
from portal.device import DEVICE_COOKIE
from tests.portal.flow import card_path, rate


def _scan(app, path, **headers):
    return app.test_client().get(path, headers=headers)


def test_a_fresh_scan_sets_no_cookie_and_may_be_cached(app, employee):
    response = _scan(app, card_path(employee))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert {"Accept-Language", "Cookie"} <= set(
        response.headers["Vary"].replace(" ", "").split(",")
    )
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')  # strong: not W/


def test_a_matching_etag_gets_304_without_rendering(app, employee, monkeypatch):
    path = card_path(employee)
    etag = _scan(app, path).headers["ETag"]
    monkeypatch.setattr("portal.card_page.render_template", pytest.fail)
    response = _scan(app, path, **{"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert "Set-Cookie" not in response.headers
    assert "max-age=60" in response.headers["Cache-Control"]


def test_a_stale_etag_gets_the_page(app, employee):
    response = _scan(app, card_path(employee), **{"If-None-Match": '"0123456789abcdef"'})
    assert response.status_code == 200
    assert "Alice Wang" in response.text


def test_an_edit_changes_the_etag_at_once(app, employee):
    path = card_path(employee)
    before = _scan(app, path).headers["ETag"]
    employee.display_name = "Alice Chen"
    db.session.commit()
    after = _scan(app, path, **{"If-None-Match": before})
    assert after.status_code == 200
    assert after.headers["ETag"] != before
    assert "Alice Chen" in after.text


def test_a_retired_card_is_not_served_from_its_old_etag(app, employee):
    path = card_path(employee)
    etag = _scan(app, path).headers["ETag"]
    employee.active = False
    db.session.commit()
    response = _scan(app, path, **{"If-None-Match": etag})
    assert response.status_code == 404
    assert "ETag" not in response.headers
    assert "public" not in response.headers.get("Cache-Control", "")


def test_the_language_changes_the_etag(make_app):
    # Outside the test's app context: each request gets its own `g` (and locale).
    app = make_app()
    with app.app_context():
        from tests.factories import make_employee

        path = card_path(make_employee())
        db.session.commit()
    english = _scan(app, path, **{"Accept-Language": "en"}).headers["ETag"]
    chinese = _scan(app, path, **{"Accept-Language": "zh-CN"})
    assert chinese.headers["ETag"] != english
    assert (
        _scan(app, path, **{"Accept-Language": "zh-CN", "If-None-Match": english}).status_code
        == 200
    )


def test_the_etag_is_the_same_in_another_worker(make_app):
    first = make_app()
    second = make_app()  # same database, its own page cache
    with first.app_context():
        from tests.factories import make_employee

        path = card_path(make_employee(display_name="Alice Wang"))
        db.session.commit()
    assert _scan(first, path).headers["ETag"] == _scan(second, path).headers["ETag"]


def test_a_browser_with_a_draft_gets_a_private_page(client, employee):
    assert rate(client, employee, overall="9", comment="Typo").status_code == 422
    assert rate(client, employee, comment="Kept for later").status_code == 302
    page = client.get(card_path(employee))
    assert "Kept for later" in page.text  # the draft, restored
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in page.headers


def test_a_verified_device_gets_a_private_page(client, employee):
    client.set_cookie(DEVICE_COOKIE, "anything")
    page = client.get(card_path(employee))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "private, no-store"


def test_the_page_is_cacheable_with_the_cache_off_too(make_app):
    app = make_app(CARD_PAGE_CACHE_SIZE=0)
    with app.app_context():
        from tests.factories import make_employee

        path = card_path(make_employee())
        db.session.commit()
        etag = _scan(app, path).headers["ETag"]
        assert _scan(app, path, **{"If-None-Match": etag}).status_code == 304


def test_a_worker_trusts_its_page_for_a_few_seconds_then_asks_again(
    make_app, employee, monkeypatch
):
    """CARD_PAGE_TRUST_SECONDS: scans within the window cost no query; an edit shows after it."""
    app = make_app(CARD_PAGE_TRUST_SECONDS=5)
    path = card_path(employee)
    now = [1000.0]
    monkeypatch.setattr("portal.card_page.time.monotonic", lambda: now[0])
    assert "Alice Wang" in _scan(app, path).text
    employee.display_name = "Alice Chen"
    db.session.commit()
    asked, real_lookup = [], card_page.active_card_face
    monkeypatch.setattr(
        card_page, "active_card_face", lambda token: asked.append(token) or real_lookup(token)
    )
    now[0] += 4
    assert "Alice Wang" in _scan(app, path).text and asked == []  # trusted: no query
    now[0] += 2
    assert "Alice Chen" in _scan(app, path).text and len(asked) == 1
