"""Rules the schema itself guarantees: anonymity of votes, once-only rows, score ranges."""

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import (
    BallotUse,
    CampaignStage,
    JudgeScore,
    Registration,
    SupervisorEvaluation,
    VoteTally,
)
from core.models.campaign import campaign_branches
from tests.factories import make_employee, make_user

VOTE_TABLES = ("ballot_use", "vote_tally")


def _references(table, target: str) -> set[str]:
    return {
        c.name
        for c in table.columns
        if any(fk.column.table.name == target for fk in c.foreign_keys)
    }


def test_only_the_two_vote_tables_hold_ballots_or_counts():
    for table in db.metadata.sorted_tables:
        names = {c.name for c in table.columns}
        holds_votes = "votes" in names or any(n.startswith(("voter", "ballot_id")) for n in names)
        is_vote_table = table.name in VOTE_TABLES
        assert holds_votes == (table.name == "vote_tally") or is_vote_table, table.name


def test_no_table_links_a_voter_to_a_vote():
    for table in (BallotUse.__table__, VoteTally.__table__):
        employee_columns = _references(table, "employee")
        times = [
            c.name
            for c in table.columns
            if "time" in type(c.type).__name__.lower() or c.name.endswith(("_at", "_on"))
        ]
        assert len(employee_columns) == 1, table.name
        assert times == [], table.name
        assert not {c.name for c in table.columns} & {"id", "created_at", "updated_at"}


def test_ballot_use_holds_no_choice_and_tally_no_voter():
    assert {c.name for c in BallotUse.__table__.columns} == {
        "campaign_id",
        "round",
        "employee_id",
        "branch_id",
    }
    assert {c.name for c in VoteTally.__table__.columns} == {
        "campaign_id",
        "round",
        "candidate_id",
        "votes",
    }


def test_no_other_table_references_ballots_or_tallies():
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            assert fk.column.table.name not in VOTE_TABLES


def test_registration_is_unique_per_campaign_and_employee(app, make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch])
    row = {"campaign_id": campaign.id, "employee_id": employee.id, "highlights": "x"}
    db.session.execute(insert(Registration), [row])
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Registration), [row])
    db.session.rollback()


def test_ballot_use_is_unique_per_round(app, make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch])
    row = {
        "campaign_id": campaign.id,
        "round": CampaignStage.SECOND,
        "employee_id": employee.id,
        "branch_id": branch.id,
    }
    db.session.execute(insert(BallotUse), [row])
    with pytest.raises(IntegrityError):
        db.session.execute(insert(BallotUse), [row])
    db.session.rollback()


@pytest.mark.parametrize("attitude", [0, 11])
def test_supervisor_scores_are_checked_by_the_database(app, make_campaign, branch, attitude):
    employee = make_employee(branch=branch)
    manager = make_user()
    campaign = make_campaign([branch])
    db.session.add(
        SupervisorEvaluation(
            campaign_id=campaign.id,
            round=CampaignStage.SECOND,
            candidate_id=employee.id,
            manager_id=manager.id,
            attitude=attitude,
            quality=5,
            efficiency=5,
            comment="c",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_judge_score_must_fill_its_rounds_criteria(app, make_campaign, branch):
    employee = make_employee(branch=branch)
    judge = make_user()
    campaign = make_campaign([branch])
    # Final-round criteria on a second-round score.
    db.session.add(
        JudgeScore(
            campaign_id=campaign.id,
            round=CampaignStage.SECOND,
            judge_id=judge.id,
            candidate_id=employee.id,
            overall_quality=5,
            service_philosophy=5,
            innovation=5,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_campaign_branches_table_links_campaigns_to_branches():
    assert {c.name for c in campaign_branches.columns} == {"campaign_id", "branch_id"}
