"""The employee's private page (/me/<secret>) and their printable card."""

import pytest

from core.extensions import db
from core.services.people.cards import card_short_text, readable_card_url
from core.services.people.employees import (
    issue_private_link,
    revoke_private_link,
    set_employee_active,
)
from core.services.tokens import url_secret
from tests.factories import make_branch, make_employee


@pytest.fixture
def app(make_app):
    """The app inside a request: services translate their messages, which needs a locale."""
    app = make_app()
    with app.test_request_context():
        yield app


@pytest.fixture
def employee(app):
    employee = make_employee(
        display_name="王芳 Wang Fang", title="Teller", branch=make_branch(name="Riverside")
    )
    db.session.commit()
    return employee


@pytest.fixture
def page_path(app, employee):
    """The path of the employee's private page (the link without the public base)."""
    return issue_private_link(employee).removeprefix(app.config["PUBLIC_BASE_URL"])


def test_private_page_shows_the_employee_and_their_card(client, employee, page_path):
    response = client.get(page_path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "王芳 Wang Fang" in html
    assert card_short_text(employee) in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert f'href="{page_path}/card"' in html


def test_private_page_links_the_qr_images(client, employee, page_path):
    html = client.get(page_path).get_data(as_text=True)
    assert f"/C/{employee.card_token}.svg" in html
    assert f"/C/{employee.card_token}.png" in html


def test_private_page_is_neither_stored_nor_passed_on_as_referrer(client, page_path):
    response = client.get(page_path)
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in response.get_data(as_text=True)


def test_print_page_shows_one_complete_card(client, employee, page_path):
    response = client.get(page_path + "/card")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="qr-card"') == 1
    for text in ("王芳 Wang Fang", "Teller", "Riverside", card_short_text(employee)):
        assert text in html
    assert "Scan to rate my service" in html
    assert "扫码评价我的服务" in html
    assert "css/print.css" in html
    assert response.headers["Cache-Control"] == "no-store"


def test_print_page_card_encodes_the_card_url(client, employee, page_path):
    html = client.get(page_path + "/card").get_data(as_text=True)
    assert f'aria-label="QR code for {readable_card_url(employee)}"' in html


def test_pages_carry_no_inline_styles_or_scripts(client, page_path):
    for path in (page_path, page_path + "/card"):
        html = client.get(path).get_data(as_text=True)
        assert "style=" not in html
        assert "<style" not in html
        assert "<script>" not in html


@pytest.mark.parametrize("suffix", ["", "/card"])
def test_wrong_secret_is_not_found(client, employee, page_path, suffix):
    response = client.get(f"/me/{url_secret()}{suffix}")
    assert response.status_code == 404


def test_revoked_link_is_not_found(client, employee, page_path):
    revoke_private_link(employee)
    assert client.get(page_path).status_code == 404
    assert client.get(page_path + "/card").status_code == 404


def test_replaced_link_is_not_found_and_the_new_one_works(client, app, employee, page_path):
    new_path = issue_private_link(employee).removeprefix(app.config["PUBLIC_BASE_URL"])
    assert client.get(page_path).status_code == 404
    assert client.get(new_path).status_code == 200


def test_link_of_a_deactivated_employee_is_not_found(client, employee, page_path):
    set_employee_active(employee, False)
    assert client.get(page_path).status_code == 404


def test_not_found_page_speaks_the_visitors_language(client, employee):
    response = client.get(f"/me/{url_secret()}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.status_code == 404
    assert "找不到页面" in response.get_data(as_text=True)


def test_private_page_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    statuses = [client.get(f"/me/{url_secret()}").status_code for _ in range(61)]
    assert statuses[:60] == [404] * 60
    assert statuses[60] == 429
