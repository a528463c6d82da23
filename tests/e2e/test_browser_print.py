"""Printed pages at their paper size, as Chromium prints them: one A5 page per paper ballot,
and the campaign review on A4 without its forms."""

import re

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Campaign
from tests.e2e.phone import sign_in_admin

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# PDF points (1/72 inch), rounded: A4 is 210 x 297 mm, A5 148 x 210 mm.
A4 = (595, 842)
A5 = (420, 595)


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """The size of each page of a PDF Chromium printed (its page objects are not compressed)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(round(float(w)), round(float(h))) for w, h in boxes]


def _demo_campaign_id() -> int:
    db.session.rollback()
    return db.session.scalar(select(Campaign.id).order_by(Campaign.id))


def test_each_paper_ballot_prints_on_one_a5_page(site, desktop):
    admin = sign_in_admin(desktop, site)
    admin.goto(f"{site.server.url}/admin/campaigns/{_demo_campaign_id()}/ballots/print")
    admin.locator("input[name='count']").fill("3")
    admin.locator("main form button[type='submit']").click()
    admin.wait_for_load_state()
    assert page_sizes(admin.pdf(prefer_css_page_size=True, print_background=True)) == [A5] * 3


def test_the_campaign_review_prints_on_a4_without_its_forms(site, desktop):
    admin = sign_in_admin(desktop, site)
    admin.goto(f"{site.server.url}/admin/campaigns/{_demo_campaign_id()}/retrospective")
    assert admin.locator("textarea[name='text']").is_visible()
    admin.emulate_media(media="print")
    assert not admin.locator("textarea[name='text']").is_visible()
    assert not admin.locator("nav.admin-nav").is_visible()
    sizes = page_sizes(admin.pdf(prefer_css_page_size=True))
    assert sizes and set(sizes) == {A4}
