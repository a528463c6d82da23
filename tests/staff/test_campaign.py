"""The campaign on the employee's private page: register, vote, self-evaluate, see results."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import BallotUse, Registration, SelfEvaluation, VoteTally
from core.services.campaign.colleague_votes import cast_ballot
from core.services.campaign.setup import create_campaign
from core.services.campaign.stages import advance_stage
from core.services.people.employees import issue_private_link
from tests.campaign.conftest import campaign_data, request_context, waive_gaps  # noqa: F401
from tests.factories import make_branch, make_employee

# request_context (autouse, imported above): each test runs inside a request, as in
# tests/campaign, because services translate their messages for the request's locale.


def _page(employee) -> str:
    db.session.commit()
    return urlsplit(issue_private_link(employee)).path


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_private_page_links_to_the_branchs_campaigns(client, make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch], name="Star of the year")
    page = client.get(_page(employee)).get_data(as_text=True)
    assert "Star of the year" in page
    assert f"/campaigns/{campaign.id}" in page


def test_an_employee_registers_from_their_page(client, make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch])
    base = _page(employee)
    response = client.post(
        f"{base}/campaigns/{campaign.id}/register", data={"highlights": "I stayed late."}
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Registration.highlights)).one() == "I stayed late."
    again = client.post(f"{base}/campaigns/{campaign.id}/register", data={"highlights": "Again."})
    assert again.status_code == 400
    assert _count(Registration) == 1


@pytest.mark.parametrize("highlights", ["", "x" * 2001])
def test_bad_highlights_are_shown_next_to_the_field(client, make_campaign, branch, highlights):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch])
    response = client.post(
        f"{_page(employee)}/campaigns/{campaign.id}/register", data={"highlights": highlights}
    )
    assert response.status_code == 400
    assert 'id="highlights-error"' in response.get_data(as_text=True)
    assert _count(Registration) == 0


def test_another_branchs_campaign_is_not_found(client, make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([make_branch()])
    base = _page(employee)
    assert client.get(f"{base}/campaigns/{campaign.id}").status_code == 404
    assert (
        client.post(
            f"{base}/campaigns/{campaign.id}/register", data={"highlights": "x"}
        ).status_code
        == 404
    )


def test_a_wrong_secret_is_not_found(client, make_campaign, branch):
    campaign = make_campaign([branch])
    assert client.get(f"/me/not-a-secret/campaigns/{campaign.id}").status_code == 404


def test_a_colleague_votes_once_from_their_page(client, second_round):
    campaign, (ann, bo, _cy), (dee, _eve) = second_round
    base = _page(dee)
    page = client.get(f"{base}/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Ann" in page and "Bo" in page
    response = client.post(
        f"{base}/campaigns/{campaign.id}/ballot", data={"candidate_ids": [ann.id, bo.id]}
    )
    assert response.status_code == 302
    assert _count(BallotUse) == 1
    second = client.post(f"{base}/campaigns/{campaign.id}/ballot", data={"candidate_ids": [ann.id]})
    assert second.status_code == 400
    assert db.session.scalar(select(VoteTally.votes).filter_by(candidate_id=ann.id)) == 1


def test_a_ballot_naming_oneself_is_refused_next_to_the_field(client, second_round):
    campaign, (ann, bo, _cy), _voters = second_round
    response = client.post(
        f"{_page(ann)}/campaigns/{campaign.id}/ballot", data={"candidate_ids": [ann.id, bo.id]}
    )
    assert response.status_code == 400
    assert 'id="candidate_ids-error"' in response.get_data(as_text=True)
    assert _count(BallotUse) == 0


def test_too_many_names_on_a_ballot_are_refused(client, second_round):
    campaign, (ann, bo, cy), (dee, _eve) = second_round
    campaign.ballot_size = 2
    response = client.post(
        f"{_page(dee)}/campaigns/{campaign.id}/ballot",
        data={"candidate_ids": [ann.id, bo.id, cy.id]},
    )
    assert response.status_code == 400
    assert _count(BallotUse) == 0


def test_counts_appear_once_enough_colleagues_voted(client, second_round):
    campaign, (ann, _bo, _cy), (dee, eve) = second_round
    cast_ballot(campaign, dee, [ann.id])
    base = _page(eve)
    assert "Votes in your branch" not in client.get(f"{base}/campaigns/{campaign.id}").get_data(
        as_text=True
    )
    cast_ballot(campaign, eve, [ann.id])
    page = client.get(f"{base}/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Votes in your branch" in page and "Ann: 2" in page


def test_a_candidate_sends_a_self_evaluation(client, second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    data = {
        "performance": "8",
        "growth": "7",
        "self_management": "9",
        "reasons": "Busy month.",
        "improvements": "Learn the new system.",
    }
    response = client.post(f"{_page(ann)}/campaigns/{campaign.id}/self-evaluation", data=data)
    assert response.status_code == 302
    evaluation = db.session.scalars(select(SelfEvaluation)).one()
    assert (evaluation.performance, evaluation.reasons) == (8, "Busy month.")


@pytest.mark.parametrize(
    ("field", "value"), [("growth", "0"), ("performance", "ten"), ("reasons", "")]
)
def test_bad_self_evaluations_keep_what_was_typed(client, second_round, field, value):
    campaign, (ann, _bo, _cy), _voters = second_round
    data = {
        "performance": "8",
        "growth": "7",
        "self_management": "9",
        "reasons": "Busy month.",
        "improvements": "Learn the new system.",
        field: value,
    }
    response = client.post(f"{_page(ann)}/campaigns/{campaign.id}/self-evaluation", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field}-error"' in page
    assert "Learn the new system." in page
    assert _count(SelfEvaluation) == 0


def test_a_non_candidate_cannot_self_evaluate(client, second_round):
    campaign, _candidates, (dee, _eve) = second_round
    data = {
        "performance": "8",
        "growth": "7",
        "self_management": "9",
        "reasons": "r",
        "improvements": "i",
    }
    response = client.post(f"{_page(dee)}/campaigns/{campaign.id}/self-evaluation", data=data)
    assert response.status_code == 400
    assert _count(SelfEvaluation) == 0


def test_staff_see_the_published_shortlist(client, second_round):
    campaign, _candidates, (dee, _eve) = second_round
    waive_gaps(campaign)
    advance_stage(campaign, None)
    page = client.get(f"{_page(dee)}/campaigns/{campaign.id}").get_data(as_text=True)
    assert "2 of 3 candidates go through." in page
    assert "3 of 3 candidates go through." in page


def test_staff_campaign_forms_require_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context(), app.test_request_context():
        branch = make_branch()
        employee = make_employee(branch=branch)
        db.session.commit()
        campaign = create_campaign(campaign_data([branch]), None)
        base = _page(employee)
        response = app.test_client().post(
            f"{base}/campaigns/{campaign.id}/register", data={"highlights": "x"}
        )
        assert response.status_code == 400
        assert _count(Registration) == 0


def test_a_candidate_sees_their_own_breakdown_and_no_one_elses(client, second_round):
    campaign, (ann, bo, cy), _voters = second_round
    waive_gaps(campaign)
    advance_stage(campaign, None)  # the second round closes: two of three go through

    cys_page = client.get(f"{_page(cy)}/campaigns/{campaign.id}").get_data(as_text=True)
    anns_page = client.get(f"{_page(ann)}/campaigns/{campaign.id}").get_data(as_text=True)

    assert cys_page.count("<h3>My result</h3>") == 2, "one per closed stage"
    assert "only the first 2 go through." in cys_page
    assert "Customer ratings:" in cys_page and "×" in cys_page
    assert cys_page.count('class="breakdown"') == 2, "only Cy's own lines, not the others'"
    assert "you go through." in anns_page


def test_a_colleague_who_is_not_a_candidate_sees_no_breakdown(client, second_round):
    campaign, _candidates, (dee, _eve) = second_round
    waive_gaps(campaign)
    advance_stage(campaign, None)

    page = client.get(f"{_page(dee)}/campaigns/{campaign.id}").get_data(as_text=True)

    assert "My result" not in page and 'class="breakdown"' not in page
