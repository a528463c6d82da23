"""An employee's private page on a 360×740 phone, in English and Chinese.

The menu reaches every section with one tap, nothing is wider than the phone, ratings
are paged (this period first) and a reward request can be made and cancelled there.
"""

import pytest

from core.extensions import db
from core.services.people.employees import issue_private_link
from tests.factories import give_points, make_counted_rating, make_reward

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SECTIONS = ["#my-standing", "#my-ratings", "#my-points", "#my-rewards", "#my-card"]


def _heading_on_screen(page, anchor: str) -> bool:
    return page.evaluate(
        """anchor => {
            const box = document.querySelector(anchor).getBoundingClientRect();
            return box.top > -1 && box.top < window.innerHeight;  // sub-pixel scrolling
        }""",
        anchor,
    )


def _sideways_overflow(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_the_menu_reaches_every_section_and_nothing_is_wider_than_the_phone(site, phone, locale):
    employee = site.rated
    for n in range(9):
        make_counted_rating(employee, 5, comment=f"Visit {n} " + "很好" * 30)
    give_points(employee, 200)
    make_reward(name="Cinema ticket", cost=20)
    db.session.commit()
    link = issue_private_link(employee)
    page = phone(locale=locale).new_page()

    page.goto(link)

    assert _sideways_overflow(page) <= 0
    for anchor in SECTIONS:
        page.locator(f".section-menu a[href='{anchor}']").tap()
        page.wait_for_function(f"location.hash === '{anchor}'")
        assert _heading_on_screen(page, anchor), anchor
    older = page.locator(".pager a[href*='ratings_page=2']")
    with page.expect_navigation():
        older.tap()
    assert _sideways_overflow(page) <= 0
    assert page.locator("#my-ratings ~ article").count() >= 1


def test_a_reward_request_is_made_and_cancelled_on_a_phone(site, phone):
    employee = site.rated
    give_points(employee, 100)
    make_reward(name="Cinema ticket", cost=60)
    db.session.commit()
    page = phone().new_page()
    page.goto(issue_private_link(employee))

    # Option texts are bidi-isolated (FSI ... PDI), like every name in a drop-down.
    choice = "\u2068Cinema ticket (60)\u2069"
    page.locator("select[name='redeem-reward_id']").select_option(label=choice)
    with page.expect_navigation():
        page.locator("form[action$='/redeem'] button[type='submit']").tap()
    request = page.locator(".requests li", has_text="Cinema ticket · 60")
    assert "Requested" in request.inner_text()
    with page.expect_navigation():
        request.get_by_role("button", name="Cancel request").tap()

    assert "Request cancelled" in page.locator("body").inner_text()
    assert "Cancelled" in page.locator(".requests li", has_text="Cinema ticket · 60").inner_text()
