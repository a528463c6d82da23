"""Supervisors and judges in the admin area: their branch only, their panel only."""

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import CampaignStage, JudgeScore, Role, SelfEvaluationStatus, SupervisorEvaluation
from core.services.campaign.evaluations import submit_self_evaluation
from core.services.campaign.setup import set_panel
from tests.factories import make_branch, make_user

SCORES = {"attitude": "9", "quality": "8", "efficiency": "7", "comment": "Steady."}
DEMO = {"practical_skill": "9", "adaptability": "8", "teamwork": "7", "note": "Clear."}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _judge(campaign, **kw):
    judge = make_user(Role.JUDGE, **kw)
    db.session.commit()
    set_panel(campaign, CampaignStage.SECOND, [judge.id], None)
    return judge


def test_a_manager_lists_and_evaluates_their_candidates(
    client, login_as, second_round, manager_of, branch
):
    campaign, (ann, _bo, _cy), _voters = second_round
    login_as(manager_of(branch))
    page = client.get(f"/admin/campaigns/{campaign.id}/evaluations").get_data(as_text=True)
    assert "Ann" in page
    response = client.post(f"/admin/campaigns/{campaign.id}/evaluate/{ann.id}", data=SCORES)
    assert response.status_code == 302
    assert db.session.scalars(select(SupervisorEvaluation.attitude)).one() == 9


def test_a_manager_cannot_evaluate_another_branch(client, login_as, second_round, manager_of):
    campaign, (ann, _bo, _cy), _voters = second_round
    other = make_branch()
    login_as(manager_of(other))
    assert client.get(f"/admin/campaigns/{campaign.id}/evaluate/{ann.id}").status_code == 404
    assert (
        client.post(f"/admin/campaigns/{campaign.id}/evaluate/{ann.id}", data=SCORES).status_code
        == 404
    )
    assert _count(SupervisorEvaluation) == 0


@pytest.mark.parametrize(("field", "value"), [("attitude", "11"), ("quality", ""), ("comment", "")])
def test_bad_supervisor_scores_are_shown_next_to_the_field(
    client, login_as, second_round, manager_of, branch, field, value
):
    campaign, (ann, _bo, _cy), _voters = second_round
    login_as(manager_of(branch))
    response = client.post(
        f"/admin/campaigns/{campaign.id}/evaluate/{ann.id}", data={**SCORES, field: value}
    )
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert _count(SupervisorEvaluation) == 0


def test_judges_do_not_evaluate_as_supervisors(client, login_as, second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    login_as(make_user(Role.JUDGE))
    url = f"/admin/campaigns/{campaign.id}/evaluate/{ann.id}"
    assert client.post(url, data=SCORES).status_code == 403


def test_an_admin_evaluates_for_a_branch_without_a_manager(client, login_as, second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    admin = make_user()
    login_as(admin)
    listing = client.get(f"/admin/campaigns/{campaign.id}/evaluations").get_data(as_text=True)
    assert "Ann" in listing
    url = f"/admin/campaigns/{campaign.id}/evaluate/{ann.id}"
    assert client.post(url, data=SCORES).status_code == 302
    row = db.session.scalars(select(SupervisorEvaluation)).one()
    assert (row.candidate_id, row.manager_id, row.attitude) == (ann.id, admin.id, 9)


def test_an_admin_does_not_evaluate_where_a_manager_does(
    client, login_as, second_round, manager_of, branch
):
    campaign, (ann, _bo, _cy), _voters = second_round
    manager_of(branch)
    login_as(make_user())
    url = f"/admin/campaigns/{campaign.id}/evaluate/{ann.id}"
    refused = client.post(url, data=SCORES)
    assert refused.status_code == 400
    assert "branches without a manager" in refused.get_data(as_text=True)
    assert db.session.scalars(select(SupervisorEvaluation)).all() == []


def test_an_inactive_manager_leaves_the_branch_to_the_admin(
    client, login_as, second_round, manager_of, branch
):
    campaign, (ann, _bo, _cy), _voters = second_round
    manager_of(branch).active = False
    db.session.commit()
    login_as(make_user())
    url = f"/admin/campaigns/{campaign.id}/evaluate/{ann.id}"
    assert client.post(url, data=SCORES).status_code == 302


def test_a_manager_returns_a_self_evaluation_with_a_comment(
    client, login_as, second_round, manager_of, branch
):
    campaign, (ann, _bo, _cy), _voters = second_round
    evaluation = submit_self_evaluation(
        campaign, ann, {"performance": 8, "growth": 8, "self_management": 8}, "r", "i"
    )
    login_as(manager_of(branch))
    url = f"/admin/campaigns/{campaign.id}/self-evaluations/{evaluation.id}"
    refused = client.post(url, data={"decision": "return", "comment": ""})
    assert refused.status_code == 400
    assert 'id="comment-error"' in refused.get_data(as_text=True)
    assert (
        client.post(url, data={"decision": "return", "comment": "More detail."}).status_code == 302
    )
    db.session.refresh(evaluation)
    assert evaluation.status is SelfEvaluationStatus.RETURNED


def test_another_branchs_manager_cannot_open_a_self_evaluation(
    client, login_as, second_round, manager_of
):
    campaign, (ann, _bo, _cy), _voters = second_round
    evaluation = submit_self_evaluation(
        campaign, ann, {"performance": 8, "growth": 8, "self_management": 8}, "r", "i"
    )
    login_as(manager_of(make_branch()))
    assert (
        client.get(f"/admin/campaigns/{campaign.id}/self-evaluations/{evaluation.id}").status_code
        == 404
    )


def test_a_panel_judge_scores_a_candidate(client, login_as, second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    login_as(_judge(campaign))
    assert "Ann" in client.get("/admin/judging").get_data(as_text=True)
    response = client.post(f"/admin/judging/{campaign.id}/{ann.id}", data=DEMO)
    assert response.status_code == 302
    assert db.session.scalars(select(JudgeScore.practical_skill)).one() == 9


def test_a_judge_who_manages_the_branch_is_refused(client, login_as, second_round, branch):
    campaign, (ann, _bo, _cy), _voters = second_round
    login_as(_judge(campaign, branches=[branch]))
    response = client.post(f"/admin/judging/{campaign.id}/{ann.id}", data=DEMO)
    assert response.status_code == 403
    assert "you may not score them" in response.get_data(as_text=True)
    assert _count(JudgeScore) == 0


def test_a_judge_off_the_panel_finds_nothing(client, login_as, second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    judge = make_user(Role.JUDGE)
    login_as(judge)
    assert client.get(f"/admin/judging/{campaign.id}/{ann.id}").status_code == 404


@pytest.mark.parametrize(("field", "value"), [("teamwork", "0"), ("adaptability", "x")])
def test_bad_judge_scores_are_shown_next_to_the_field(client, login_as, second_round, field, value):
    campaign, (ann, _bo, _cy), _voters = second_round
    login_as(_judge(campaign))
    response = client.post(f"/admin/judging/{campaign.id}/{ann.id}", data={**DEMO, field: value})
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert 'value="Clear."' in response.get_data(as_text=True) or "Clear." in response.get_data(
        as_text=True
    )
    assert _count(JudgeScore) == 0


def test_managers_cannot_open_judging(client, login_as, manager_of, branch):
    login_as(manager_of(branch))
    assert client.get("/admin/judging").status_code == 403


def test_judge_scores_require_a_csrf_token(make_app, second_round):
    campaign, (ann, _bo, _cy), _voters = second_round
    judge = _judge(campaign)
    csrf_app = make_app(WTF_CSRF_ENABLED=True)  # same database as second_round
    client = csrf_app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    login = {"email": judge.email, "password": "correct horse battery", "csrf_token": token}
    assert client.post("/admin/login", data=login).status_code == 302
    assert client.get(f"/admin/judging/{campaign.id}/{ann.id}").status_code == 200
    assert client.post(f"/admin/judging/{campaign.id}/{ann.id}", data=DEMO).status_code == 400
    assert _count(JudgeScore) == 0
