"""CSRF on the customer path by Fetch Metadata (core/security.py, portal/cross_site.py).

No token in any customer form; an unsafe request another site made the browser send is
refused with a 403 that keeps the customer's place, and nothing is stored.
"""

import pytest

from tests.portal.flow import all_ratings, card_path

DRAFT = {"overall": "4", "comment": "Kind and quick"}


@pytest.fixture
def guarded(make_app):
    # CSRF on as in production: the portal must not need the token, admin keeps it.
    app = make_app(WTF_CSRF_ENABLED=True)
    from core.extensions import db
    from tests.factories import make_employee

    with app.app_context():
        employee = make_employee(display_name="Alice Wang")
        db.session.commit()
        yield app, card_path(employee)


def _post(app, path, headers):
    return app.test_client().post(path, data=DRAFT, headers=headers)


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_post_from_another_site_is_refused_and_keeps_the_draft(guarded, site):
    app, path = guarded
    response = _post(app, path, {"Sec-Fetch-Site": site})
    assert response.status_code == 403
    assert "sent from another website" in response.text
    assert "Kind and quick</textarea>" in response.text  # the form again, as typed
    assert 'value="4" checked' in response.text or 'checked value="4"' in response.text
    assert all_ratings() == []


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_a_post_from_this_site_or_the_person_is_accepted(guarded, site):
    app, path = guarded
    assert _post(app, path, {"Sec-Fetch-Site": site}).status_code == 302
    assert len(all_ratings()) == 1


def test_a_client_that_sends_neither_header_is_accepted(guarded):
    app, path = guarded
    assert _post(app, path, {}).status_code == 302
    assert len(all_ratings()) == 1


@pytest.mark.parametrize(
    "origin", ["http://localhost", "https://stars.example.com", "HTTPS://Stars.Example.com"]
)
def test_without_fetch_metadata_the_own_origin_is_accepted(guarded, origin):
    # The test client's host is localhost; PUBLIC_BASE_URL is https://stars.example.com.
    app, path = guarded
    assert _post(app, path, {"Origin": origin}).status_code == 302


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "https://stars.example.com.evil.example"]
)
def test_without_fetch_metadata_another_origin_is_refused(guarded, origin):
    app, path = guarded
    response = _post(app, path, {"Origin": origin})
    assert response.status_code == 403
    assert all_ratings() == []


def test_fetch_metadata_wins_over_a_matching_origin(guarded):
    app, path = guarded
    headers = {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"}
    assert _post(app, path, headers).status_code == 403


def test_a_refused_verification_step_links_back_and_the_admin_keeps_its_token(guarded):
    app, _path = guarded
    client = app.test_client()
    response = client.post("/v/sms", data={"phone": "1"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    assert "Back to your rating" in response.text
    # Admin and staff still check Flask-WTF's token, whatever the browser says.
    login = client.post("/admin/login", data={"email": "a@example.com", "password": "y"})
    assert login.status_code == 400


def test_a_cross_site_get_is_not_refused(guarded):
    app, path = guarded
    response = app.test_client().get(path, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200  # a QR scan or a link from a mail client
