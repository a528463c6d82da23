"""The customer's trip follows the settings in force: dimensions on the card, methods to verify."""

from dataclasses import replace
from datetime import timedelta

from core.extensions import db
from core.models import FollowUpTask
from core.services.settings import change_settings, current_settings
from scoring.site_settings import Dimension
from tests.portal.flow import all_ratings, card_path, rate, verified_by_sms


def _change(**changes) -> None:
    db.session.commit()
    change_settings(replace(current_settings(), **changes), None, None)


def test_a_cached_card_page_shows_new_dimensions_at_the_next_scan(client, employee):
    first = client.get(card_path(employee)).text
    assert "Efficiency" in first and "Courtesy" not in first

    dimensions = (Dimension("courtesy", "Courtesy", "礼貌", 1.0),)
    _change(dimensions=dimensions)

    page = client.get(card_path(employee)).text
    assert "Courtesy" in page and "Efficiency" not in page
    assert 'name="dim_courtesy"' in page


def test_the_card_shows_the_chinese_label_the_admin_entered(client, employee):
    _change(dimensions=(Dimension("courtesy", "Courtesy", "礼貌待人", 1.0),))
    client.set_cookie("lang", "zh_CN")
    assert "礼貌待人" in client.get(card_path(employee)).text


def test_a_rating_keeps_the_dimensions_it_was_given_on(client, employee):
    _change(dimensions=(Dimension("courtesy", "Courtesy", "", 1.0),))
    rate(client, employee, dim_courtesy="4")
    (rating,) = all_ratings()
    assert {star.dimension: star.stars for star in rating.stars} == {"courtesy": 4}


def test_the_verify_page_offers_the_methods_in_force(client, employee):
    _change(verify_methods=("receipt",))
    rate(client, employee)
    page = client.get("/v").text
    assert 'name="receipt_code"' in page
    assert 'name="email"' not in page and 'name="phone"' not in page
    assert client.post("/v/sms", data={"phone": "13812345678"}).status_code == 404


def test_a_low_rating_gets_the_follow_up_deadlines_in_force(client, employee, sms_outbox):
    _change(followup_contact_hours=6, followup_resolve_days=2)
    verified_by_sms(client, employee, sms_outbox, overall="1", consent="y")
    (rating,) = all_ratings()
    task = db.session.scalar(db.select(FollowUpTask).where(FollowUpTask.rating_id == rating.id))
    assert task.contact_due_at - rating.verified_at == timedelta(hours=6)
    assert task.resolve_due_at - rating.verified_at == timedelta(days=2)
