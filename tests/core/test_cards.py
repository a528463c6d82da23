"""Card URLs, card lookups, QR images and the print sheet."""

import io
import re
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
import zxingcpp
from PIL import Image

from admin.cards_print import CARDS_PER_SHEET_PAGE, render_card_sheet
from core import ROOT
from core.extensions import db
from core.models import RetiredCardToken
from core.services.people.cards import (
    QUIET_ZONE,
    card_qr_matrix,
    card_qr_png,
    card_qr_svg,
    card_short_text,
    card_url,
    lookup_card,
    qr_version,
    readable_card_url,
)
from core.services.people.employees import rotate_card_token
from core.services.tokens import card_token
from tests.factories import make_branch, make_employee


@pytest.fixture
def app(make_app):
    """The app inside a request: services translate their messages, which needs a locale."""
    app = make_app()
    with app.test_request_context():
        yield app


# The characters of the QR alphanumeric mode.
QR_ALPHANUMERIC = re.compile(r"[0-9A-Z $%*+\-./:]+")
BASE_30 = "https://stars.example-shop.com"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def shop_app(make_app):
    """An app whose PUBLIC_BASE_URL is a typical 30-character shop address."""
    app = make_app(PUBLIC_BASE_URL=BASE_30)
    with app.test_request_context():
        yield app


def _decode(png: bytes):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0]


def test_base_url_for_the_check_is_30_characters():
    assert len(BASE_30) == 30


def test_card_token_has_80_bits_in_uppercase_base32():
    tokens = {card_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(re.fullmatch(r"[A-Z2-7]{16}", token) for token in tokens)


def test_card_url_is_uppercase_base_plus_short_path_plus_token(shop_app):
    employee = make_employee()
    assert card_url(employee) == "HTTPS://STARS.EXAMPLE-SHOP.COM/C/" + employee.card_token


def test_card_url_uses_only_qr_alphanumeric_characters(shop_app):
    assert QR_ALPHANUMERIC.fullmatch(card_url(make_employee()))


def test_card_url_keeps_the_case_of_a_base_path(make_app):
    app = make_app(PUBLIC_BASE_URL="https://shop.example.com/Stars/")
    with app.app_context():
        employee = make_employee()
        assert card_url(employee) == f"HTTPS://SHOP.EXAMPLE.COM/Stars/C/{employee.card_token}"


def test_card_url_follows_the_configured_base(make_app):
    app = make_app(PUBLIC_BASE_URL="http://10.0.0.5:8080")
    with app.app_context():
        employee = make_employee()
        assert card_url(employee) == f"HTTP://10.0.0.5:8080/C/{employee.card_token}"


def test_short_text_is_the_typeable_address_without_scheme_in_lower_case(shop_app):
    employee = make_employee()
    token = employee.card_token.lower()
    assert card_short_text(employee) == f"stars.example-shop.com/c/{token}"


def test_readable_card_url_is_lower_case_and_keeps_the_base_as_configured(make_app):
    app = make_app(PUBLIC_BASE_URL="https://shop.example.com/Stars/")
    with app.app_context():
        employee = make_employee()
        token = employee.card_token.lower()
        assert readable_card_url(employee) == f"https://shop.example.com/Stars/c/{token}"


def test_readable_card_url_opens_the_same_card_page(client, app):
    employee = make_employee(display_name="Li Lei")
    db.session.commit()
    path = urlsplit(readable_card_url(employee)).path
    response = client.get(path)
    assert response.status_code == 200
    assert "Li Lei" in response.get_data(as_text=True)


def test_png_decodes_to_the_exact_card_url(shop_app):
    url = card_url(make_employee())
    assert _decode(card_qr_png(url)).text == url


def test_qr_is_version_3_or_lower_at_level_m_for_a_30_character_base(shop_app):
    url = card_url(make_employee())
    decoded = _decode(card_qr_png(url))
    assert decoded.extra["ECLevel"] == "M"
    assert int(decoded.extra["Version"]) <= 3
    assert qr_version(url) <= 3


def test_qr_has_a_quiet_zone_of_four_modules(shop_app):
    matrix = card_qr_matrix(card_url(make_employee()))
    border_rows = matrix[:QUIET_ZONE] + matrix[-QUIET_ZONE:]
    border_columns = [row[:QUIET_ZONE] + row[-QUIET_ZONE:] for row in matrix]
    assert not any(any(row) for row in border_rows)
    assert not any(any(part) for part in border_columns)
    assert any(matrix[QUIET_ZONE])


def test_svg_is_well_formed_xml_with_one_path_and_no_style(shop_app):
    svg = card_qr_svg(card_url(make_employee()))
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(root.findall("{http://www.w3.org/2000/svg}path")) == 1
    assert not [element for element in root.iter() if "style" in element.attrib]


def test_svg_path_draws_exactly_the_dark_modules(shop_app):
    url = card_url(make_employee())
    matrix = card_qr_matrix(url)
    path = ElementTree.fromstring(card_qr_svg(url)).find("{http://www.w3.org/2000/svg}path")
    drawn = set()
    for x, y, width in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", path.get("d")):
        drawn |= {(int(x) + i, int(y)) for i in range(int(width))}
    dark = {(x, y) for y, row in enumerate(matrix) for x, is_dark in enumerate(row) if is_dark}
    assert drawn == dark


def test_rendering_is_deterministic(shop_app):
    url = card_url(make_employee())
    # The uncached functions: two independent renderings give the same bytes.
    assert card_qr_png.__wrapped__(url) == card_qr_png.__wrapped__(url)
    assert card_qr_svg.__wrapped__(url) == card_qr_svg.__wrapped__(url)


def test_lookup_finds_an_active_employee(app):
    employee = make_employee()
    lookup = lookup_card(employee.card_token)
    assert (lookup.state, lookup.employee) == ("active", employee)


def test_lookup_ignores_case_and_blanks(app):
    employee = make_employee()
    assert lookup_card(f" {employee.card_token.lower()} ").employee == employee


def test_lookup_reports_an_inactive_employee(app):
    employee = make_employee(active=False)
    assert lookup_card(employee.card_token).state == "inactive"


def test_lookup_reports_an_employee_of_an_inactive_branch_as_inactive(app):
    employee = make_employee(branch=make_branch(active=False))
    assert lookup_card(employee.card_token).state == "inactive"


def test_lookup_reports_a_retired_token_with_its_employee(app):
    employee = make_employee()
    db.session.add(RetiredCardToken(token="AAAABBBBCCCCDDDD", employee_id=employee.id))
    db.session.flush()
    lookup = lookup_card("aaaabbbbccccdddd")
    assert (lookup.state, lookup.employee) == ("retired", employee)


@pytest.mark.parametrize(
    "token", ["", "A" * 16, "ABC", "A" * 17, "ABCDEFGHIJKLMNO1", "../../etc/passwd", "é" * 16]
)
def test_lookup_of_anything_else_is_unknown(app, token):
    make_employee()
    assert lookup_card(token).state == "unknown"


def test_rotation_retires_the_old_token_and_activates_the_new(app):
    employee = make_employee()
    old = employee.card_token
    db.session.commit()
    new = rotate_card_token(employee)
    assert new != old
    assert lookup_card(old).state == "retired"
    assert lookup_card(new).state == "active"


def test_qr_png_route_serves_a_cacheable_png(client, app):
    employee = make_employee()
    db.session.commit()
    response = client.get(f"/C/{employee.card_token}.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["ETag"]
    assert "max-age" in response.headers["Cache-Control"]
    assert _decode(response.data).text == card_url(employee)


def test_qr_route_answers_304_to_a_matching_etag(client, app):
    employee = make_employee()
    db.session.commit()
    first = client.get(f"/C/{employee.card_token}.svg")
    again = client.get(
        f"/C/{employee.card_token}.svg", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert first.mimetype == "image/svg+xml"
    assert again.status_code == 304


def test_qr_route_accepts_a_lowercase_token(client, app):
    employee = make_employee()
    db.session.commit()
    assert client.get(f"/C/{employee.card_token.lower()}.svg").status_code == 200


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_qr_route_of_a_retired_token_is_not_found(client, app, kind):
    employee = make_employee()
    old = employee.card_token
    db.session.commit()
    rotate_card_token(employee)
    assert client.get(f"/C/{old}.{kind}").status_code == 404


def test_qr_route_of_an_unknown_token_is_not_found(client, app):
    assert client.get(f"/C/{card_token()}.png").status_code == 404


def test_sheet_puts_every_card_on_a4_pages(shop_app):
    branch = make_branch(name="Riverside")
    employees = [make_employee(branch=branch, title="Teller") for _ in range(11)]
    html = render_card_sheet(employees, title="Riverside")
    assert html.count('class="qr-card"') == 11
    assert html.count('class="sheet-page"') == -(-11 // CARDS_PER_SHEET_PAGE)
    assert "css/print.css" in html
    for employee in employees:
        assert card_short_text(employee) in html
        assert employee.display_name in html


def test_card_shows_the_call_to_action_in_both_languages_whatever_the_locale(make_app):
    app = make_app(PUBLIC_BASE_URL=BASE_30)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        html = render_card_sheet([make_employee(title="Teller")])
    assert "Scan to rate my service" in html
    assert "扫码评价我的服务" in html
    assert "Teller" in html


def test_print_stylesheet_sets_a4_pages_and_draws_no_inline_styles(shop_app):
    html = render_card_sheet([make_employee()])
    assert "style=" not in html
    assert "<style" not in html
    stylesheet = (ROOT / "static" / "css" / "print.css").read_text(encoding="utf-8")
    assert "@page{size:A4" in stylesheet


@pytest.mark.browser
def test_printed_card_rendered_by_chromium_decodes_to_the_card_url(shop_app):
    if not Path(CHROMIUM).exists():
        pytest.skip("needs /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    employee = make_employee()
    html = render_card_sheet([employee])
    for name in ("site.css", "print.css"):
        stylesheet = (ROOT / "static" / "css" / name).read_text(encoding="utf-8")
        html = html.replace(
            f'<link rel="stylesheet" href="/static/css/{name}">', f"<style>{stylesheet}</style>"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(device_scale_factor=2)
        page.set_content(html)
        page.emulate_media(media="print")
        png = page.locator(".qr-card").screenshot()
        browser.close()
    assert _decode(png).text == card_url(employee)
