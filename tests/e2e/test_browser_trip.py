"""The customer's trip on a 360×740 phone: the till's one-time QR, the fold, long names.

Issue 16's page rules, checked where they matter, in a real Chromium: a till QR takes
the customer from the scan to thanks in two taps and leaves no code in the address bar;
a low rating's thanks offers a call-back; the overall stars and the send button are on
the first screen in English and Chinese; an 80-character right-to-left name wraps on
every customer page that shows it instead of widening the page.
"""

import pytest

from core.extensions import db
from core.models import Rating, RatingStatus, ReceiptCode
from core.services.ratings.receipt_codes import mint_receipt_codes
from core.services.ratings.till_codes import till_url
from tests.e2e.phone import open_details, tap_and_load, tap_stars
from tests.factories import make_employee, make_published_award

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEND = "form button[type='submit']"
# 80 characters of Hebrew and Arabic with no space to break at, then a Latin tail.
LONG_RTL_NAME = ("שירותמצוין" * 4 + "خدمةممتازة" * 3 + "Ω" * 10)[:80]


def _first_screen_holds(page, selector: str) -> bool:
    """The element is laid out inside the 740 px viewport without scrolling."""
    box = page.evaluate(
        """selector => {
            const rect = document.querySelector(selector).getBoundingClientRect();
            return {top: rect.top, bottom: rect.bottom, height: window.innerHeight};
        }""",
        selector,
    )
    return box["top"] >= 0 and box["bottom"] <= box["height"]


def _sideways_overflow(page) -> int:
    """How many CSS pixels the page is wider than the phone's screen."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _till_link(employee) -> str:
    """What the till prints for one transaction served by this employee."""
    db.session.commit()  # the employee, for the server (minting opens a write of its own)
    codes, _expires = mint_receipt_codes(1, employee.branch_id, employee=employee)
    return till_url(employee, codes[0])


def _rating_verified_by_receipt(employee) -> Rating:
    db.session.rollback()  # the server wrote it
    rating = db.session.query(Rating).filter_by(employee_id=employee.id).one()
    assert rating.status == RatingStatus.VERIFIED
    assert db.session.query(ReceiptCode).filter_by(rating_id=rating.id).one().used_at is not None
    return rating


def test_till_qr_goes_from_scan_to_thanks_in_two_taps(site, phone):
    employee = make_employee(branch=site.rated.branch)
    link = _till_link(employee)
    page = phone().new_page()

    page.goto(link)
    assert "/R/" not in page.url.upper(), "the redirect strips the code from the address bar"
    page.locator("label[for='overall-5']").tap()
    tap_and_load(page, SEND)

    assert page.url.endswith("/v/thanks"), page.url
    assert _rating_verified_by_receipt(employee).overall == 5


def test_low_rating_by_till_qr_thanks_with_a_call_back_offer(site, phone):
    employee = make_employee(branch=site.rated.branch)
    page = phone().new_page()
    page.goto(_till_link(employee))

    page.locator("label[for='overall-1']").tap()
    open_details(page)
    page.locator("input[name='consent']").check()
    tap_and_load(page, SEND)
    assert page.locator("#sorry-title").is_visible()
    page.locator("input[name='contact']").fill("+86 138 0013 8000")
    tap_and_load(page, "form[action$='/v/thanks/contact'] button[type='submit']")

    assert "will call you back" in page.locator("main").inner_text()
    assert _rating_verified_by_receipt(employee).contact


def test_used_till_qr_scanned_again_asks_for_a_code_instead(site, phone):
    codes, _expires = mint_receipt_codes(1, site.rated.branch_id, employee=site.rated)
    link = till_url(site.rated, codes[0])
    first = phone().new_page()
    first.goto(link)
    tap_stars(first)
    tap_and_load(first, SEND)
    second = phone().new_page()  # another phone photographs the same receipt

    second.goto(link)

    assert "already been used" in second.locator("body").inner_text()
    tap_stars(second)
    tap_and_load(second, SEND)
    assert second.url.endswith("/v"), "the second phone verifies the usual way"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_overall_stars_and_send_button_are_on_the_first_screen(site, phone, locale):
    page = phone(locale=locale).new_page()
    page.goto(f"{site.server.url}/C/{site.star.card_token}")

    assert _first_screen_holds(page, "label[for='overall-5']")
    assert _first_screen_holds(page, SEND)
    page.locator("label[for='overall-4']").tap()
    assert _first_screen_holds(page, SEND), "choosing stars moves nothing below the fold"


def test_surprise_description_opens_without_javascript_and_keeps_the_draft(site, chromium):
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
        java_script_enabled=False,
    )  # fmt: skip
    try:
        page = context.new_page()
        page.goto(f"{site.server.url}/C/{site.star.card_token}")
        surprise_text = page.locator("[name='surprise_text']")
        assert not surprise_text.is_visible()

        page.locator("label[for='overall-5']").tap()
        page.locator("details.more summary").tap()
        page.locator("input[name='surprise']").check()

        assert surprise_text.is_visible()
        assert page.locator("#overall-5").is_checked()
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_long_right_to_left_name_wraps_on_every_customer_page(site, phone, locale):
    employee = make_employee(display_name=LONG_RTL_NAME, branch=site.rated.branch)
    make_published_award(employee=employee, name="Service Star 2026-10")
    page = phone(locale=locale).new_page()
    seen = {}

    def look(name: str) -> None:
        assert LONG_RTL_NAME in page.locator("main").inner_text(), name
        seen[name] = _sideways_overflow(page)

    page.goto(_till_link(employee))
    look("card")
    assert _first_screen_holds(page, SEND)
    page.locator("label[for='overall-5']").tap()
    tap_and_load(page, SEND)
    look("thanks")
    page.goto(f"{site.server.url}/C/{employee.card_token}")
    look("already rated")
    page.goto(f"{site.server.url}/stars")
    look("wall of fame")

    assert seen == dict.fromkeys(seen, 0), f"pages wider than the phone: {seen}"
