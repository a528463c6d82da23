"""One verification page and one printable certificate for both kinds of winner.

An award period's winner and a selection campaign's final winner carry a token; both
verify at /stars/verify/<token> and print at /stars/verify/<token>/certificate.
"""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AwardStatus, CampaignStage, StageResult
from core.services.awards.certificates import certificate_for_token
from core.services.awards.winners import add_winner, withdraw_period
from core.services.campaign.registration import register_employee
from core.services.campaign.setup import create_campaign
from core.services.campaign.stages import advance_stage
from tests.campaign.conftest import CUSTOMER_ONLY, campaign_data, rate
from tests.factories import make_award_period, make_branch, make_employee, make_published_award


def _award_winner(name: str) -> str:
    return make_published_award(make_employee(display_name=name)).verification_token


def _selection_winner(name: str) -> str:
    """The token of the final winner of a published campaign of two candidates."""
    branch = make_branch(name="Harbour")
    winner, other = make_employee(branch=branch, display_name=name), make_employee(branch=branch)
    rate(winner, 5)
    rate(other, 3)
    campaign = create_campaign(
        campaign_data([branch], name="Star 2026", winners=1, weights=CUSTOMER_ONLY), actor=None
    )
    for employee in (winner, other):
        register_employee(campaign, employee, "Helped")
    for _ in range(4):  # preliminary, second, final, published
        advance_stage(campaign, None)
    return db.session.scalar(
        select(StageResult.verification_token).where(
            StageResult.passed.is_(True), StageResult.stage == CampaignStage.FINAL
        )
    )


WINNERS = {"award": _award_winner, "selection": _selection_winner}


@pytest.fixture(params=sorted(WINNERS))
def winner_token(request, app):
    """The certificate token of a published winner named Li Lei, of each kind."""
    with app.test_request_context():
        return WINNERS[request.param]("Li Lei")


def test_verification_says_valid_for_a_published_winner(client, winner_token):
    response = client.get(f"/stars/verify/{winner_token}")

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Valid" in text and "Li Lei" in text


def test_certificate_carries_a_qr_code_of_the_public_verification_url(client, winner_token):
    response = client.get(f"/stars/verify/{winner_token}/certificate")

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="qr"' in text
    assert f"https://stars.example.com/stars/verify/{winner_token}" in text
    assert "Li Lei" in text


def test_both_kinds_resolve_to_the_same_certificate_fields(app, winner_token):
    with app.test_request_context():
        cert = certificate_for_token(winner_token)

    assert (cert.name, cert.rank, cert.token, cert.valid) == ("Li Lei", 1, winner_token, True)
    assert cert.award and cert.period_name and cert.starts_on <= cert.ends_on
    assert cert.verify_url == f"https://stars.example.com/stars/verify/{winner_token}"


@pytest.mark.parametrize("suffix", ["", "/certificate"])
def test_old_selection_addresses_lead_to_the_one_page(client, app, suffix):
    with app.test_request_context():
        token = _selection_winner("Ann Lee")

    moved = client.get(f"/stars/selection/verify/{token}{suffix}")
    page = client.get(f"/stars/selection/verify/{token}{suffix}", follow_redirects=True)

    assert moved.status_code == 301
    assert moved.headers["Location"].endswith(f"/stars/verify/{token}{suffix}")
    assert page.status_code == 200 and "Ann Lee" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/stars/verify/not-a-real-token",
        "/stars/verify/not-a-real-token/certificate",
        "/stars/verify/" + "x" * 200,
        "/stars/selection/verify/forged",
        "/stars/selection/verify/forged/certificate",
    ],
)
def test_an_unknown_certificate_is_not_genuine(client, app, url):
    response = client.get(url, follow_redirects=True)

    assert response.status_code == 404


def test_verification_of_unknown_token_says_not_genuine(client):
    response = client.get("/stars/verify/not-a-real-token")

    assert response.status_code == 404
    assert "not genuine" in response.get_data(as_text=True)


def test_a_draft_award_has_no_certificate_yet(client):
    category, employee = make_award_period().categories[0], make_employee()
    db.session.commit()
    draft = add_winner(category, employee, "Draft", None, "No ratings needed here")

    assert client.get(f"/stars/verify/{draft.verification_token}").status_code == 404
    assert client.get(f"/stars/verify/{draft.verification_token}/certificate").status_code == 404


def test_verification_says_withdrawn_after_unpublishing(client):
    winner = make_published_award()
    token = winner.verification_token
    withdraw_period(winner.category.period_id, None, "Recount")

    response = client.get(f"/stars/verify/{token}")

    assert response.status_code == 200
    assert "Withdrawn" in response.get_data(as_text=True)
    assert winner.category.period.status is AwardStatus.WITHDRAWN


def test_certificate_of_withdrawn_award_is_gone(client):
    winner = make_published_award()
    token = winner.verification_token
    assert client.get(f"/stars/verify/{token}/certificate").status_code == 200

    withdraw_period(winner.category.period_id, None, "Recount")

    assert client.get(f"/stars/verify/{token}/certificate").status_code == 404


def test_each_wall_links_its_winners_to_the_one_verification_page(client, app):
    award_token = _award_winner("Wang Fang")
    with app.test_request_context():
        selection_token = _selection_winner("Ann Lee")

    assert f"/stars/verify/{award_token}" in client.get("/stars").get_data(as_text=True)
    wall = client.get("/stars/selection").get_data(as_text=True)
    assert f"/stars/verify/{selection_token}" in wall
