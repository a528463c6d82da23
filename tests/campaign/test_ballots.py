"""Colleague ballots: one per employee per round, up to K colleagues of the branch, not oneself."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import BallotUse, Campaign, CampaignStage, Employee, VoteTally
from core.services.campaign.colleague_votes import (
    BallotUsed,
    ballot_choices,
    branch_tallies,
    cast_ballot,
    has_voted,
)
from core.services.campaign.results import stage_results
from core.services.campaign.rounds import CampaignError
from tests.factories import make_branch, make_employee


def _votes(campaign) -> dict[int, int]:
    rows = db.session.execute(
        select(VoteTally.candidate_id, VoteTally.votes).filter_by(campaign_id=campaign.id)
    )
    return dict(rows.all())


def test_a_ballot_counts_each_chosen_colleague_once(second_round):
    campaign, (ann, bo, cy), (dee, _eve) = second_round
    cast_ballot(campaign, dee, [ann.id, bo.id])
    assert _votes(campaign) == {ann.id: 1, bo.id: 1, cy.id: 0}
    assert has_voted(campaign, dee, CampaignStage.SECOND)


def test_a_second_ballot_in_the_round_is_refused(second_round):
    campaign, (ann, bo, cy), (dee, _eve) = second_round
    cast_ballot(campaign, dee, [ann.id])
    with pytest.raises(BallotUsed):
        cast_ballot(campaign, dee, [bo.id])
    assert _votes(campaign) == {ann.id: 1, bo.id: 0, cy.id: 0}


def test_voting_for_oneself_is_refused(second_round):
    campaign, (ann, bo, _cy), _voters = second_round
    with pytest.raises(CampaignError) as error:
        cast_ballot(campaign, ann, [ann.id, bo.id])
    assert error.value.field == "candidate_ids"
    assert not has_voted(campaign, ann, CampaignStage.SECOND)


def test_a_candidate_votes_for_colleagues_but_is_not_offered_themselves(second_round):
    campaign, (ann, bo, _cy), _voters = second_round
    assert ann not in ballot_choices(campaign, ann)
    cast_ballot(campaign, ann, [bo.id])
    assert _votes(campaign)[bo.id] == 1


@pytest.mark.parametrize("choice", ["none", "too_many", "not_candidate", "other_branch"])
def test_bad_ballots_are_refused(second_round, make_campaign, choice):
    campaign, (ann, bo, _cy), (dee, eve) = second_round
    campaign.ballot_size = 1
    outsider = make_employee(branch=make_branch())
    db.session.commit()
    ids = {
        "none": [],
        "too_many": [ann.id, bo.id],
        "not_candidate": [eve.id],
        "other_branch": [outsider.id],
    }[choice]
    with pytest.raises(CampaignError):
        cast_ballot(campaign, dee, ids)
    assert not has_voted(campaign, dee, CampaignStage.SECOND)
    assert sum(_votes(campaign).values()) == 0


def test_employees_outside_the_campaign_get_no_ballot(second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    outsider = make_employee(branch=make_branch())
    db.session.commit()
    with pytest.raises(CampaignError):
        cast_ballot(campaign, outsider, [ann.id])


def test_one_ballot_is_used_once_under_concurrency(app, second_round):
    campaign, (ann, _bo, _cy), (dee, _eve) = second_round
    ids = (campaign.id, dee.id, ann.id)
    db.session.commit()
    barrier = threading.Barrier(4)

    def vote(_index):
        with app.app_context(), app.test_request_context():
            barrier.wait()
            try:
                cast_ballot(
                    db.session.get(Campaign, ids[0]), db.session.get(Employee, ids[1]), [ids[2]]
                )
                return "counted"
            except BallotUsed:
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(vote, range(4)))
    assert outcomes == ["counted", "refused", "refused", "refused"]
    db.session.rollback()  # read what the threads committed
    assert _votes(campaign)[ann.id] == 1
    assert db.session.scalar(select(func.count()).select_from(BallotUse)) == 1


def test_counts_stay_hidden_until_enough_colleagues_voted(second_round):
    campaign, (ann, bo, cy), (dee, eve) = second_round
    campaign.vote_threshold = 3
    db.session.commit()
    cast_ballot(campaign, dee, [ann.id])
    cast_ballot(campaign, eve, [ann.id])
    assert branch_tallies(campaign, CampaignStage.SECOND, ann.branch_id) is None
    cast_ballot(campaign, cy, [bo.id])
    assert branch_tallies(campaign, CampaignStage.SECOND, ann.branch_id) == {
        ann.id: 2,
        bo.id: 1,
        cy.id: 0,
    }


def test_hidden_votes_count_as_a_missing_source(second_round):
    campaign, (ann, _bo, _cy), (dee, _eve) = second_round
    cast_ballot(campaign, dee, [ann.id])  # one voter, threshold 2
    result = next(
        r for r in stage_results(campaign, CampaignStage.SECOND) if r.employee.id == ann.id
    )
    colleagues = next(line for line in result.result.lines if line.source == "colleagues")
    assert colleagues.missing and colleagues.contribution == 0


def test_votes_are_normalised_against_the_branch_top(second_round):
    campaign, (ann, bo, _cy), (dee, eve) = second_round
    cast_ballot(campaign, dee, [ann.id, bo.id])
    cast_ballot(campaign, eve, [ann.id])
    raw = {
        r.employee.id: next(x.raw for x in r.result.lines if x.source == "colleagues")
        for r in stage_results(campaign, CampaignStage.SECOND)
    }
    assert raw[ann.id] == 100 and raw[bo.id] == 50
