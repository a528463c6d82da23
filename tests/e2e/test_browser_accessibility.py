"""axe-core on every customer page and the wall of fame, in English and in Chinese.

axe is injected into the page, which the strict CSP forbids: these contexts alone
bypass CSP. Only serious and critical violations fail the test.
"""

import pytest

from tests.e2e.phone import (
    ask_email_code,
    open_scanned_card,
    scan_printed_card,
    send_rating,
    serious_violations,
    tap_and_load,
    type_code,
)
from tests.e2e.servers import one_time_code

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOCALES = ["en-US", "zh-CN"]


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _through_the_flow(page, site, axe_script, address: str) -> dict[str, list[str]]:
    """Walk the customer flow, auditing each page on the way; violations by page."""
    found = {}

    def audit(name: str) -> None:
        found[name] = serious_violations(page, axe_script)

    audit("card page")
    tap_and_load(page, "form button[type='submit']")
    audit("card page with errors")
    send_rating(page)
    audit("verification choice")
    ask_email_code(page, address)
    audit("code entry")
    code = one_time_code(site.mail.wait_for(address))
    type_code(page, _wrong(code))
    audit("code entry with error")
    type_code(page, code)
    assert page.url.endswith("/v/thanks"), page.url
    audit("thank-you")
    # The device is remembered now: its next scan of the same person says so at once.
    page.goto(scan_printed_card(site, site.rated))
    assert page.locator("form button[type='submit']").count() == 0
    audit("already rated")
    return found


def _other_pages(page, site, axe_script) -> dict[str, list[str]]:
    found = {}
    for name, path, status in (
        ("home", "/", 200),
        ("unknown card", "/C/AAAAAAAAAAAAAAAA", 404),
        ("card no longer valid", f"/C/{site.retired_token}", 410),
        ("error 404", "/no-such-page", 404),
        ("verification with no rating", "/v", 410),
        ("wall of fame", "/stars", 200),
    ):
        assert page.goto(site.server.url + path).status == status, path
        found[name] = serious_violations(page, axe_script)
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_customer_flow_pages_have_no_serious_accessibility_violations(
    site, phone, axe_script, locale
):
    page = open_scanned_card(phone(locale=locale, bypass_csp=True), site)

    found = _through_the_flow(page, site, axe_script, f"axe-{locale}@example.com")

    assert found == {name: [] for name in found}


@pytest.mark.parametrize("locale", LOCALES)
def test_error_pages_and_wall_of_fame_have_no_serious_accessibility_violations(
    site, phone, axe_script, locale
):
    page = phone(locale=locale, bypass_csp=True).new_page()

    found = _other_pages(page, site, axe_script)

    assert found == {name: [] for name in found}
