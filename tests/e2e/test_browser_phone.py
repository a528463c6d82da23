"""A customer's phone in headless Chromium: scan a printed card, rate, verify by email.

The app runs under gunicorn on demo data (core.demo.seed.seed_demo); the QR code is
decoded with a real decoder (zxing-cpp) from the card image the app serves; the code is
read from the local SMTP server. SCREENSHOTS=1 saves the pages to docs/screenshots/.
"""

import io
import re

import pytest
import zxingcpp
from PIL import Image

from core.models import RatingStatus
from core.services.points.ledger import balance_of
from tests.e2e.phone import (
    CITATION,
    COMMENT,
    open_scanned_card,
    rate_by_email,
    rating_of,
    scan_printed_card,
    sign_in_admin,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_printed_card_decodes_to_the_employees_card_url(site):
    url = scan_printed_card(site, site.rated)

    assert url.upper() == f"{site.server.url}/C/{site.rated.card_token}".upper()


def test_phone_rates_a_scanned_card_and_sees_the_thank_you_page(site, phone, screenshot):
    page = open_scanned_card(phone(), site)

    rate_by_email(page, site, "amy@example.com", save=screenshot)

    assert page.locator("h1").inner_text() == "Thank you!"
    rating = rating_of(site.rated)
    assert (rating.status, rating.overall) == (RatingStatus.VERIFIED, 5)


def test_admin_sees_the_phone_rating_and_its_points(site, phone, desktop, screenshot):
    rate_by_email(open_scanned_card(phone(), site), site, "ben@example.com")
    points = balance_of(rating_of(site.rated).employee_id)

    admin = sign_in_admin(desktop, site)
    screenshot(admin, "admin-dashboard")
    admin.goto(f"{site.server.url}/admin/feedback")
    inbox = admin.locator("main").inner_text()
    admin.goto(f"{site.server.url}/admin/points/{site.rated.id}")
    balance = admin.locator(".balance strong").inner_text()

    assert site.rated.display_name in inbox and COMMENT in inbox
    assert points > 0
    assert balance == str(points)


def test_admin_prints_a_card_that_scans(site, desktop, screenshot):
    admin = sign_in_admin(desktop, site)

    answer = admin.goto(f"{site.server.url}/admin/employees/{site.rated.id}/card")
    screenshot(admin, "printed-card")
    # What the printer gets, as pixels: the QR code in it must decode to the card URL.
    printed = Image.open(io.BytesIO(admin.screenshot(full_page=True)))

    assert answer.status == 200
    assert [code.text for code in zxingcpp.read_barcodes(printed)] == [
        scan_printed_card(site, site.rated)
    ]


def test_wall_of_fame_shows_the_published_star_on_a_phone(site, phone, screenshot):
    page = phone().new_page()

    answer = page.goto(f"{site.server.url}/stars")
    screenshot(page, "wall-of-fame")

    assert answer.status == 200
    text = page.locator("body").inner_text()
    assert site.star.display_name in text and CITATION in text


def test_chinese_phone_gets_the_flow_in_chinese(site, phone):
    page = open_scanned_card(phone(locale="zh-CN"), site)
    assert page.locator("html").get_attribute("lang") == "zh-CN"

    rate_by_email(page, site, "chen@example.com")

    heading = page.locator("h1").inner_text()
    assert CJK.search(heading), f"thank-you heading not in Chinese: {heading!r}"
    assert rating_of(site.rated).locale == "zh_CN"
