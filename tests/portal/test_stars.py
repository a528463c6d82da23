"""The public wall of fame and winner photos (verification: test_certificates.py)."""

from core.extensions import db
from core.services.awards.winners import add_winner, withdraw_period
from core.services.people.photos import store_photo
from tests.factories import make_award_period, make_employee, make_published_award


def test_wall_shows_published_winners_with_citation(client):
    make_published_award(make_employee(display_name="Wang Fang"), citation="耐心细致，服务周到。")

    response = client.get("/stars")

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wang Fang" in text and "耐心细致，服务周到。" in text
    assert "服务之星" in text and "Service Star" in text


def test_wall_leaves_out_drafts_and_withdrawn(client, app):
    make_award_period(name="Draft period")
    winner = make_published_award(make_employee(display_name="Gone Person"), name="Gone")
    withdraw_period(winner.category.period_id, None, "Error")

    text = client.get("/stars").get_data(as_text=True)

    assert "Draft period" not in text and "Gone Person" not in text


def test_wall_has_no_inline_style_or_script(client):
    make_published_award()

    text = client.get("/stars").get_data(as_text=True)

    assert "style=" not in text and "<script" not in text


def _status_of(client, url: str) -> int:
    response = client.get(url)
    response.close()  # send_file keeps the file open until the response is closed
    return response.status_code


def test_photo_is_public_only_for_published_winners(client):
    employee = make_employee(photo=store_photo(b"\xff\xd8\xff fake jpeg"))
    other = make_employee(photo=store_photo(b"\xff\xd8\xff other"))
    winner = make_published_award(employee)
    category = make_award_period().categories[0]
    db.session.commit()
    draft_winner = add_winner(category, other, "Draft", None, "No ratings needed here")

    assert _status_of(client, f"/stars/photo/{winner.verification_token}.jpg") == 200
    assert _status_of(client, f"/stars/photo/{draft_winner.verification_token}.jpg") == 404
