"""Supervisor, self and judge evaluations, and the sources they give a candidate."""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import (
    AuditEntry,
    CampaignStage,
    Role,
    SelfEvaluationStatus,
    SupervisorEvaluation,
)
from core.services.campaign.evaluations import (
    JudgeConflict,
    accepted_self_evaluations,
    review_self_evaluation,
    save_judge_score,
    save_supervisor_evaluation,
    submit_self_evaluation,
)
from core.services.campaign.results import stage_results
from core.services.campaign.rounds import CampaignError
from core.services.campaign.setup import set_panel
from core.services.campaign.sources import self_scores
from core.services.campaign.stages import advance_stage
from tests.campaign.conftest import waive_gaps
from tests.factories import make_branch, make_user

SUPERVISOR = {"attitude": 10, "quality": 10, "efficiency": 10}
SELF = {"performance": 8, "growth": 8, "self_management": 8}
DEMO = {"practical_skill": 10, "adaptability": 10, "teamwork": 10}


def _source(campaign, candidate, source):
    result = next(
        r for r in stage_results(campaign, campaign.stage) if r.employee.id == candidate.id
    )
    return next(line for line in result.result.lines if line.source == source)


def _judges(campaign, count, **kw):
    judges = [make_user(Role.JUDGE, **kw) for _ in range(count)]
    db.session.commit()
    set_panel(campaign, CampaignStage.SECOND, [j.id for j in judges], None)
    return judges


def test_a_manager_evaluates_a_candidate_of_their_branch(second_round, manager_of, branch):
    campaign, (ann, _bo, _cy), _voters = second_round
    manager = manager_of(branch)
    save_supervisor_evaluation(campaign, ann, manager, SUPERVISOR, "Always calm.")
    assert _source(campaign, ann, "supervisor").raw == 100


def test_a_manager_of_another_branch_cannot_evaluate(second_round, manager_of):
    campaign, (ann, _bo, _cy), _voters = second_round
    stranger = manager_of(make_branch())
    with pytest.raises(CampaignError):
        save_supervisor_evaluation(campaign, ann, stranger, SUPERVISOR, "Calm.")
    assert _source(campaign, ann, "supervisor").missing


def test_only_shortlisted_employees_are_evaluated(second_round, manager_of, branch):
    campaign, _candidates, (dee, _eve) = second_round
    with pytest.raises(CampaignError):
        save_supervisor_evaluation(campaign, dee, manager_of(branch), SUPERVISOR, "Calm.")


def test_a_supervisor_revises_until_the_round_closes(second_round, manager_of, branch):
    campaign, (_ann, _bo, cy), _voters = second_round
    manager = manager_of(branch)
    low = dict.fromkeys(SUPERVISOR, 1)
    save_supervisor_evaluation(campaign, cy, manager, low, "Rushed.")
    save_supervisor_evaluation(campaign, cy, manager, {**low, "quality": 4}, "Revised.")
    assert _source(campaign, cy, "supervisor").raw == pytest.approx((6 / 3 - 1) / 9 * 100)
    waive_gaps(campaign)
    advance_stage(campaign, None)  # Cy is third of two places: out of the final
    with pytest.raises(CampaignError):
        save_supervisor_evaluation(campaign, cy, manager, SUPERVISOR, "Too late?")
    (row,) = db.session.scalars(select(SupervisorEvaluation)).all()
    assert (row.round, row.quality, row.comment) == (CampaignStage.SECOND, 4, "Revised.")


@pytest.mark.parametrize(
    ("scores", "comment", "field"),
    [
        ({**SUPERVISOR, "attitude": 0}, "ok", "attitude"),
        ({**SUPERVISOR, "efficiency": 11}, "ok", "efficiency"),
        (SUPERVISOR, "  ", "comment"),
        (SUPERVISOR, "x" * 2001, "comment"),
    ],
)
def test_bad_supervisor_input_is_refused(second_round, manager_of, branch, scores, comment, field):
    campaign, (ann, _bo, _cy), _voters = second_round
    with pytest.raises(CampaignError) as error:
        save_supervisor_evaluation(campaign, ann, manager_of(branch), scores, comment)
    assert error.value.field == field


def test_a_self_evaluation_counts_once_accepted(second_round, manager_of, branch):
    campaign, (ann, _bo, _cy), _voters = second_round
    evaluation = submit_self_evaluation(campaign, ann, SELF, "Because.", "Learn more.")
    assert _source_raw_self(campaign, ann) is None
    review_self_evaluation(evaluation, manager_of(branch), accept=True, comment="")
    assert evaluation.status is SelfEvaluationStatus.ACCEPTED
    assert _source_raw_self(campaign, ann) == pytest.approx(700 / 9)
    assert accepted_self_evaluations(campaign, branch.id) == [evaluation]


def _source_raw_self(campaign, candidate):
    return self_scores(campaign, campaign.stage).get(candidate.id)


def test_a_returned_self_evaluation_needs_a_comment_and_can_be_resubmitted(
    second_round, manager_of, branch
):
    campaign, (ann, _bo, _cy), _voters = second_round
    manager = manager_of(branch)
    evaluation = submit_self_evaluation(campaign, ann, SELF, "Because.", "Learn more.")
    with pytest.raises(CampaignError) as error:
        review_self_evaluation(evaluation, manager, accept=False, comment="")
    assert error.value.field == "comment"
    review_self_evaluation(evaluation, manager, accept=False, comment="Be specific.")
    assert evaluation.status is SelfEvaluationStatus.RETURNED
    again = submit_self_evaluation(campaign, ann, {**SELF, "growth": 6}, "Specific.", "Steps.")
    assert again.id == evaluation.id and again.status is SelfEvaluationStatus.SUBMITTED
    assert accepted_self_evaluations(campaign, branch.id) == []


def test_an_accepted_self_evaluation_is_final(second_round, manager_of, branch):
    campaign, (ann, _bo, _cy), _voters = second_round
    evaluation = submit_self_evaluation(campaign, ann, SELF, "Because.", "Learn more.")
    review_self_evaluation(evaluation, manager_of(branch), accept=True, comment="")
    with pytest.raises(CampaignError):
        submit_self_evaluation(campaign, ann, SELF, "Again.", "Again.")


def test_another_branchs_manager_cannot_review(second_round, manager_of):
    campaign, (ann, _bo, _cy), _voters = second_round
    evaluation = submit_self_evaluation(campaign, ann, SELF, "Because.", "Learn more.")
    with pytest.raises(CampaignError):
        review_self_evaluation(evaluation, manager_of(make_branch()), accept=True, comment="")


def test_a_panel_judge_scores_a_candidate(second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    (judge,) = _judges(campaign, 1)
    save_judge_score(campaign, judge, ann, DEMO, "Fluent.")
    assert _source(campaign, ann, "judges").raw == 100


def test_a_judge_never_scores_a_candidate_of_a_branch_they_manage(second_round, branch):
    campaign, (ann, _bo, _cy), _voters = second_round
    (judge,) = _judges(campaign, 1, branches=[branch])
    with pytest.raises(JudgeConflict):
        save_judge_score(campaign, judge, ann, DEMO, "")
    assert _source(campaign, ann, "judges").missing


def test_a_judge_off_the_panel_cannot_score(second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    judge = make_user(Role.JUDGE)
    db.session.commit()
    with pytest.raises(CampaignError):
        save_judge_score(campaign, judge, ann, DEMO, "")


def test_only_judges_sit_on_a_panel(second_round):
    campaign, _candidates, _voters = second_round
    manager = make_user(Role.MANAGER)
    db.session.commit()
    with pytest.raises(CampaignError) as error:
        set_panel(campaign, CampaignStage.SECOND, [manager.id], None)
    assert error.value.field == "judge_ids"


@pytest.mark.parametrize(
    "scores",
    [
        {**DEMO, "teamwork": 0},
        {"practical_skill": 5, "adaptability": 5},
        {"overall_quality": 5, "service_philosophy": 5, "innovation": 5},
    ],
)
def test_bad_judge_scores_are_refused(second_round, scores):
    campaign, (ann, _bo, _cy), _voters = second_round
    (judge,) = _judges(campaign, 1)
    with pytest.raises(CampaignError):
        save_judge_score(campaign, judge, ann, scores, "")


def test_the_panel_drops_highest_and_lowest_with_five_judges(second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    judges = _judges(campaign, 5)
    for judge, value in zip(judges, (1, 4, 4, 4, 10), strict=True):
        save_judge_score(campaign, judge, ann, dict.fromkeys(DEMO, value), "")
    assert _source(campaign, ann, "judges").raw == pytest.approx(300 / 9)


def test_the_panel_keeps_every_score_with_four_judges(second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    judges = _judges(campaign, 4)
    for judge, value in zip(judges, (1, 4, 4, 10), strict=True):
        save_judge_score(campaign, judge, ann, dict.fromkeys(DEMO, value), "")
    assert _source(campaign, ann, "judges").raw == pytest.approx((0 + 300 + 300 + 900) / 9 / 4)


def _entries(action: str) -> list[AuditEntry]:
    query = select(AuditEntry).filter_by(action=action).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def test_a_supervisor_evaluation_and_its_revision_are_in_the_audit_log(
    second_round, manager_of, branch
):
    campaign, (ann, _bo, _cy), _voters = second_round
    manager = manager_of(branch)
    save_supervisor_evaluation(campaign, ann, manager, SUPERVISOR, "Always calm.")
    save_supervisor_evaluation(campaign, ann, manager, {**SUPERVISOR, "quality": 7}, "Calm.")

    created, revised = _entries("campaign.evaluate")
    assert created.user_id == manager.id
    assert (created.after["quality"], created.after["comment"]) == (10, "Always calm.")
    assert revised.before == {"quality": 10, "comment": "Always calm."}
    assert revised.after == {"quality": 7, "comment": "Calm."}


def test_a_self_evaluation_review_is_in_the_audit_log(second_round, manager_of, branch):
    campaign, (ann, _bo, _cy), _voters = second_round
    evaluation = submit_self_evaluation(campaign, ann, SELF, "Because.", "Learn more.")
    reviewer = manager_of(branch)
    review_self_evaluation(evaluation, reviewer, accept=False, comment="Say more.")

    (entry,) = _entries("campaign.self_review")
    assert entry.user_id == reviewer.id
    assert entry.before["status"] == "submitted"
    assert entry.after["status"] == "returned"
    assert entry.after["supervisor_comment"] == "Say more."


def test_a_judge_score_and_its_revision_are_in_the_audit_log(second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    (judge,) = _judges(campaign, 1)
    save_judge_score(campaign, judge, ann, DEMO, "Fluent.")
    save_judge_score(campaign, judge, ann, {**DEMO, "teamwork": 6}, "Fluent.")

    created, revised = _entries("campaign.judge_score")
    assert created.user_id == judge.id and created.after["teamwork"] == 10
    assert (revised.before, revised.after) == ({"teamwork": 10}, {"teamwork": 6})
