"""The card page kept per content (portal/card_page.py): never stale, never shared."""

import pytest

from core.extensions import db
from core.services.people.cards import active_card_face, card_face
from portal.card_page import EXTENSION_KEY
from tests.factories import make_employee
from tests.portal.flow import all_ratings, card_path


def _cached_pages(app):
    return app.extensions[EXTENSION_KEY]


def test_fresh_scans_share_one_page_with_nothing_per_visitor_in_it(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        path = card_path(make_employee(display_name="Alice Wang"))
        db.session.commit()
    # Outside the test's app context: each request gets its own `g`, as in production.
    first, second = app.test_client(), app.test_client()
    responses = [client.get(path) for client in (first, second)]
    assert responses[0].data == responses[1].data
    assert responses[0].headers["ETag"] == responses[1].headers["ETag"]
    assert 'name="csrf_token"' not in responses[0].text
    assert len(_cached_pages(app)) == 1
    # No token to send: the browser's Fetch Metadata says the form is this site's own.
    own = {"overall": "5"}
    assert first.post(path, data=own, headers={"Sec-Fetch-Site": "same-origin"}).status_code == 302
    with app.app_context():
        assert len(all_ratings()) == 1


def test_cached_page_is_the_page_rendered_without_the_cache(make_app):
    cached = make_app(WTF_CSRF_ENABLED=True)
    uncached = make_app(WTF_CSRF_ENABLED=True, CARD_PAGE_CACHE_SIZE=0)  # same database
    with cached.app_context():
        employee = make_employee(display_name="Bo <Li> & Co", title="Advisor", photo="bo.jpg")
        db.session.commit()
        path = card_path(employee)
    for language in ("en", "zh-CN"):
        for url in (path, path.lower(), path + "?from=poster"):
            headers = {"Accept-Language": language}
            pages = [app.test_client().get(url, headers=headers).text for app in (cached, uncached)]
            assert pages[0] == pages[1]
    assert len(_cached_pages(uncached)) == 0
    assert len(_cached_pages(cached)) == 4  # two paths in two languages; queries bypass it


@pytest.mark.parametrize(
    "edit, shown",
    [
        (lambda e: setattr(e, "display_name", "Alice Chen"), "Alice Chen"),
        (lambda e: setattr(e, "title", "Head teller"), "Head teller"),
        (lambda e: setattr(e.branch, "name", "Riverside"), "Riverside"),
        (lambda e: setattr(e, "photo", "alice.jpg"), "/photo"),
    ],
    ids=["name", "title", "branch", "photo"],
)
def test_an_edit_shows_at_the_next_scan(client, employee, edit, shown):
    assert shown not in client.get(card_path(employee)).text
    edit(employee)
    db.session.commit()
    assert shown in client.get(card_path(employee)).text


def test_a_deactivated_employee_is_refused_after_a_cached_page(client, employee):
    assert client.get(card_path(employee)).status_code == 200
    employee.active = False
    db.session.commit()
    response = client.get(card_path(employee))
    assert response.status_code == 404
    assert 'name="overall"' not in response.text


def test_a_flashed_message_is_shown_not_cached_away(client, employee):
    client.get(card_path(employee))
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "Your code has expired.")]
    assert "Your code has expired." in client.get(card_path(employee)).text
    assert "Your code has expired." not in client.get(card_path(employee)).text


def test_the_cache_keeps_the_most_recent_pages_only(make_app):
    app = make_app(CARD_PAGE_CACHE_SIZE=2)
    with app.app_context():
        employees = [make_employee(display_name=f"Person {n}") for n in range(3)]
        db.session.commit()
        client = app.test_client()
        for employee in employees:
            assert employee.display_name in client.get(card_path(employee)).text
        assert len(_cached_pages(app)) == 2
        assert "Person 0" in client.get(card_path(employees[0])).text


def test_debug_mode_renders_every_time(make_app):
    app = make_app(TEMPLATES_AUTO_RELOAD=True)
    with app.app_context():
        employee = make_employee()
        db.session.commit()
        assert app.test_client().get(card_path(employee)).status_code == 200
        assert len(_cached_pages(app)) == 0


def test_the_light_query_reads_what_the_page_shows(client, employee):
    employee.photo = "alice.jpg"
    db.session.commit()
    assert active_card_face(employee.card_token.lower()) == card_face(employee)
    employee.branch.active = False
    db.session.commit()
    assert active_card_face(employee.card_token) is None
    assert active_card_face("not a token") is None


def test_a_card_deactivated_between_the_two_reads_is_explained(client, employee, monkeypatch):
    face = card_face(employee)  # as read just before the edit below
    monkeypatch.setattr("portal.card_page.active_card_face", lambda token: face)
    employee.active = False
    db.session.commit()
    response = client.get(card_path(employee))
    assert response.status_code == 404
    assert "Not taking ratings" in response.text
