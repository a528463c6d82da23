"""Offline customer votes: paper ballots entered once, phone votes confirmed by the caller,
one customer across channels, entry by a candidate refused, voided votes not counted."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import (
    AuditEntry,
    BallotStatus,
    OfflineVote,
    OfflineVoteStatus,
    PaperBallot,
    Role,
)
from core.services.campaign.ballots import void_ballot
from core.services.campaign.offline_list import suspicious_vote_ids
from core.services.campaign.offline_votes import (
    confirm_phone_vote,
    enter_paper_ballot,
    start_phone_vote,
    void_vote,
)
from core.services.campaign.results import result_rows, stage_results
from core.services.campaign.rounds import CampaignError
from core.services.campaign.sources import customer_totals
from core.services.campaign.stages import advance_stage
from core.services.ratings.identity import identity_hash, normalise_phone
from tests.campaign.offline_helpers import (
    PHONE,
    campaign_with_candidates,
    code_in,
    printed,
)
from tests.factories import add_staff_contact, make_branch, make_rating, make_user


def _count(model, *where) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_paper_ballot_counts_for_the_candidates_marked(make_campaign, branch):
    campaign, (ann, bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)

    vote = enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 4, bo.id: None}, clerk)

    assert vote.status is OfflineVoteStatus.COUNTED and vote.entered_by_id == clerk.id
    assert customer_totals(campaign) == {ann.id: (1, 4.0)}
    assert db.session.get(PaperBallot, vote.paper_ballot_id).status is BallotStatus.USED


def test_the_ballot_code_is_stored_only_as_a_hash(make_campaign, branch):
    campaign, _candidates = campaign_with_candidates(make_campaign, branch)
    _batch, codes, _clerk = printed(campaign, branch, count=1)
    stored = db.session.scalar(select(PaperBallot.code_hash))
    assert codes[0].replace("-", "") not in stored and len(stored) == 64


def test_a_ballot_code_used_twice_is_refused(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)
    enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)

    with pytest.raises(CampaignError, match="already been entered"):
        enter_paper_ballot(campaign, codes[0], "13912345678", {ann.id: 1}, clerk)
    assert _count(OfflineVote) == 1


@pytest.mark.parametrize("code", ["", "ABCD", "2222-2222-22"])
def test_an_unknown_ballot_code_is_refused(make_campaign, branch, code):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, _codes, clerk = printed(campaign, branch)
    with pytest.raises(CampaignError, match="do not know this ballot code"):
        enter_paper_ballot(campaign, code, PHONE, {ann.id: 5}, clerk)


def test_a_voided_ballot_is_refused_and_the_void_is_audited(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    batch, codes, clerk = printed(campaign, branch)
    void_ballot(batch, 1, "Coffee spilt on it.", clerk)

    with pytest.raises(CampaignError, match="voided"):
        enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)
    entry = db.session.scalar(select(AuditEntry).filter_by(action="paper_ballot.void"))
    assert entry.after["void_reason"] == "Coffee spilt on it." and entry.user_id == clerk.id


def test_an_entered_ballot_cannot_be_voided(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    batch, codes, clerk = printed(campaign, branch)
    enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)
    with pytest.raises(CampaignError, match="not entered"):
        void_ballot(batch, 1, "Lost.", clerk)


def test_a_customer_online_and_on_paper_counts_once_with_the_latest(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    customer = identity_hash("phone", normalise_phone(PHONE))
    make_rating(ann, 2, score=2.0, customer_hash=customer,
                verified_at=datetime.now(UTC) - timedelta(days=1))  # fmt: skip
    _batch, codes, clerk = printed(campaign, branch)

    enter_paper_ballot(campaign, codes[0], "+86 138 1234 5678", {ann.id: 5}, clerk)

    assert customer_totals(campaign) == {ann.id: (1, 5.0)}


def test_a_later_online_rating_replaces_the_paper_vote(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)
    enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)
    make_rating(ann, 3, score=3.0, customer_hash=identity_hash("phone", normalise_phone(PHONE)),
                verified_at=datetime.now(UTC) + timedelta(seconds=5))  # fmt: skip
    db.session.commit()
    assert customer_totals(campaign) == {ann.id: (1, 3.0)}


def test_the_explanation_counts_customers_by_channel(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    make_rating(ann, 4, score=4.0, customer_hash="someone-online")
    db.session.commit()
    _batch, codes, clerk = printed(campaign, branch)
    enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)
    advance_stage(campaign, None)

    rows = result_rows(stage_results(campaign, campaign.stage))
    (line,) = next(r for r in rows if r["employee_id"] == ann.id)["lines"]
    assert line["channels"] == {"online": 1, "paper": 1}


def test_a_voided_vote_stops_counting_and_is_audited(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)
    vote = enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)
    manager = make_user(Role.MANAGER, branches=[branch])
    db.session.commit()

    void_vote(vote, "The customer's phone was made up.", manager)

    assert customer_totals(campaign) == {}
    entry = db.session.scalar(select(AuditEntry).filter_by(action="offline_vote.void"))
    assert entry.after["status"] == "voided" and entry.user_id == manager.id


def test_a_manager_of_another_branch_may_not_void_or_enter(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)
    vote = enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)
    other = make_user(Role.MANAGER, branches=[make_branch()])
    db.session.commit()

    with pytest.raises(CampaignError, match="do not run"):
        void_vote(vote, "No.", other)
    with pytest.raises(CampaignError, match="do not run"):
        enter_paper_ballot(campaign, codes[1], PHONE, {ann.id: 5}, other)


def test_entry_by_a_candidate_is_refused_by_contact(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, _clerk = printed(campaign, branch)
    ann_user = make_user(Role.MANAGER, email="ann.work@example.com", branches=[branch])
    add_staff_contact(ann, "email", "ann.work@example.com")
    db.session.commit()

    with pytest.raises(CampaignError, match="one of the candidates"):
        enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, ann_user)
    assert _count(OfflineVote) == 0


def test_entry_by_a_candidate_is_refused_by_name(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, _clerk = printed(campaign, branch)
    namesake = make_user(Role.ADMIN, name="  ann ")
    db.session.commit()
    with pytest.raises(CampaignError, match="one of the candidates"):
        enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, namesake)


def test_a_staff_phone_never_votes_as_a_customer(make_campaign, branch):
    campaign, (ann, bo) = campaign_with_candidates(make_campaign, branch)
    add_staff_contact(bo, "phone", PHONE)
    db.session.commit()
    _batch, codes, clerk = printed(campaign, branch)
    with pytest.raises(CampaignError, match="member of staff"):
        enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)


def test_a_ballot_with_no_marks_is_refused_and_stays_unused(make_campaign, branch):
    campaign, _candidates = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)
    with pytest.raises(CampaignError, match="at least one"):
        enter_paper_ballot(campaign, codes[0], PHONE, {}, clerk)
    assert _count(PaperBallot, PaperBallot.status == BallotStatus.PRINTED) == 2


def test_a_phone_vote_counts_only_with_the_callers_code(make_campaign, branch, texts):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    clerk = make_user(Role.ADMIN)
    db.session.commit()

    started = start_phone_vote(campaign, branch.id, PHONE, {ann.id: 5}, clerk)
    assert customer_totals(campaign) == {}
    ((to, text),) = texts
    assert to == "+8613812345678"

    confirm_phone_vote(started.vote_id, code_in(text), clerk)
    assert customer_totals(campaign) == {ann.id: (1, 5.0)}
    assert _count(AuditEntry, AuditEntry.action == "offline_vote.enter") == 1


@pytest.mark.parametrize("typed", ["", "000000x", "12345"])
def test_a_phone_vote_without_the_right_code_is_refused(make_campaign, branch, texts, typed):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    clerk = make_user(Role.ADMIN)
    db.session.commit()
    started = start_phone_vote(campaign, branch.id, PHONE, {ann.id: 5}, clerk)

    with pytest.raises(CampaignError, match="not right"):
        confirm_phone_vote(started.vote_id, typed, clerk)
    assert customer_totals(campaign) == {}
    vote = db.session.get(OfflineVote, started.vote_id)
    assert vote.status is OfflineVoteStatus.PENDING


def test_a_phone_code_allows_five_tries_only(make_campaign, branch, texts):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    clerk = make_user(Role.ADMIN)
    db.session.commit()
    started = start_phone_vote(campaign, branch.id, PHONE, {ann.id: 5}, clerk)
    for _ in range(5):
        with pytest.raises(CampaignError):
            confirm_phone_vote(started.vote_id, "999999x", clerk)
    with pytest.raises(CampaignError, match="Too many"):
        confirm_phone_vote(started.vote_id, code_in(texts[0][1]), clerk)


def test_a_phone_vote_by_a_candidate_is_refused(make_campaign, branch, texts):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    namesake = make_user(Role.ADMIN, name="Ann")
    db.session.commit()
    with pytest.raises(CampaignError, match="one of the candidates"):
        start_phone_vote(campaign, branch.id, PHONE, {ann.id: 5}, namesake)
    assert texts == []


def test_one_phone_on_many_ballots_is_flagged(make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch, count=4)
    votes = [enter_paper_ballot(campaign, c, PHONE, {ann.id: 5}, clerk) for c in codes[:3]]
    other = enter_paper_ballot(campaign, codes[3], "13912345678", {ann.id: 5}, clerk)
    assert suspicious_vote_ids(campaign) == {v.id for v in votes} - {other.id}
