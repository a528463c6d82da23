"""Steps a phone (and the admin's desktop) take in Chromium, shared by the browser tests."""

import io
import urllib.request
from dataclasses import dataclass

import zxingcpp
from PIL import Image
from sqlalchemy import select

from core.extensions import db
from core.models import Employee, Rating
from tests.e2e.customer import DIMENSIONS
from tests.e2e.servers import Gunicorn, MailCatcher, one_time_code

COMMENT = "Explained every step patiently."
CITATION = "Always kind and patient with every customer."
SERIOUS = ("serious", "critical")


@dataclass
class Site:
    """The running app and the demo people the browser tests use."""

    server: Gunicorn
    mail: MailCatcher
    admin_email: str
    admin_password: str
    rated: Employee
    star: Employee
    retired_token: str


def scan_printed_card(site: Site, employee: Employee) -> str:
    """Decode the QR code of the employee's card image as a phone camera would."""
    image_url = f"{site.server.url}/C/{employee.card_token}.png"
    with urllib.request.urlopen(image_url) as response:  # noqa: S310 (127.0.0.1)
        image = Image.open(io.BytesIO(response.read()))
    decoded = zxingcpp.read_barcodes(image)
    assert len(decoded) == 1, "the card image holds exactly one QR code"
    return decoded[0].text


def open_scanned_card(context, site: Site):
    """A new tab on the URL decoded from the rated employee's printed card."""
    page = context.new_page()
    page.goto(scan_printed_card(site, site.rated))
    return page


def tap_and_load(page, selector: str) -> None:
    """Tap a submit button and wait for the page it loads (even at the same URL)."""
    with page.expect_navigation():
        page.locator(selector).tap()


def open_details(page) -> None:
    """Unfold "Add details (optional)": the dimensions, comment, surprise and consent."""
    if page.locator("details.more").get_attribute("open") is None:
        page.locator("details.more summary").tap()


def tap_stars(page) -> None:
    """Five stars overall and four on every dimension, by tapping the star labels."""
    page.locator("label[for='overall-5']").tap()
    open_details(page)
    for dimension in DIMENSIONS:
        page.locator(f"label[for='dim_{dimension}-4']").tap()


def no_screenshot(page, name: str) -> None:
    """The default for rate_by_email: save nothing."""


def send_rating(page, save=no_screenshot) -> None:
    """From the open card page: tap the stars, write a comment, send."""
    tap_stars(page)
    assert page.locator("#overall-5").is_checked()
    page.locator("textarea[name='comment']").fill(COMMENT)
    save(page, "phone-card")
    tap_and_load(page, "form button[type='submit']")
    assert page.url.endswith("/v"), page.url


def ask_email_code(page, address: str, save=no_screenshot) -> None:
    """On the verification page: ask for the code by email."""
    page.locator("input[name='email']").fill(address)
    save(page, "phone-verify")
    tap_and_load(page, "form[action$='/v/email'] button[type='submit']")
    assert page.url.endswith("/v/code"), page.url


def type_code(page, code: str) -> None:
    page.locator("input[name='code']").fill(code)
    tap_and_load(page, "form button[type='submit']")


def rate_by_email(page, site: Site, address: str, save=no_screenshot) -> None:
    """From the open card page to the thank-you page, with the emailed code."""
    send_rating(page, save)
    ask_email_code(page, address, save)
    type_code(page, one_time_code(site.mail.wait_for(address)))
    assert page.url.endswith("/v/thanks"), page.url
    save(page, "phone-thanks")


def rating_of(employee: Employee) -> Rating:
    """The rating the phone sent, read in a new transaction (the server wrote it)."""
    db.session.rollback()
    query = select(Rating).where(Rating.employee_id == employee.id, Rating.comment == COMMENT)
    return db.session.scalars(query).one()


def sign_in_admin(context, site: Site):
    """The admin signs in through the login form; returns the page on the dashboard."""
    page = context.new_page()
    page.goto(f"{site.server.url}/admin/login")
    page.locator("input[name='email']").fill(site.admin_email)
    page.locator("input[name='password']").fill(site.admin_password)
    page.locator("form button[type='submit']").click()
    page.wait_for_url(f"{site.server.url}/admin/")
    return page


def serious_violations(page, axe_script) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
