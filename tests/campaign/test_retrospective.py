"""The review after a campaign (后续工作) and candidates' improvement plans."""

from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEntry, CampaignLessons, CampaignStage, ImprovementAction, Role
from core.services.campaign.evaluations import save_supervisor_evaluation
from core.services.campaign.improvement import (
    assign_action,
    criteria_scores,
    improvement_plan,
    mark_action_done,
)
from core.services.campaign.offline_votes import enter_paper_ballot, void_vote
from core.services.campaign.retrospective import campaign_review, save_lessons
from core.services.campaign.stages import advance_stage
from tests.campaign.conftest import rate
from tests.campaign.offline_helpers import PHONE, campaign_with_candidates, printed
from tests.factories import make_branch, make_employee, make_user


def _audits(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEntry.action == action))


def test_the_review_counts_participation_per_frozen_stage(second_round):
    campaign, _candidates, _voters = second_round
    review = campaign_review(campaign)
    assert review.registered == 3
    [preliminary] = review.stages
    assert (preliminary.stage, preliminary.competed, preliminary.ranked, preliminary.passed) == (
        CampaignStage.PRELIMINARY,
        3,
        3,
        3,
    )
    [spread] = review.spreads
    assert (spread.stage, spread.source, spread.spread.count) == (
        CampaignStage.PRELIMINARY,
        "customer",
        3,
    )


def test_votes_by_channel_and_branch_count_each_customer_once(make_campaign, branch):
    campaign, (ann, bo) = campaign_with_candidates(make_campaign, branch)
    rate(ann, 5, times=2)
    _batch, codes, clerk = printed(campaign, branch, count=3)
    enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 4, bo.id: 3}, clerk)
    voided = enter_paper_ballot(campaign, codes[1], "13900000000", {bo.id: 5}, clerk)
    void_vote(voided, "Entered twice by mistake.", clerk)
    other = make_branch(name="Quay")
    db.session.commit()
    review = campaign_review(campaign)
    [harbour] = review.votes
    assert harbour.branch == "Harbour"
    assert harbour.by_channel == {"online": 2, "paper": 2}
    assert review.channel_totals == {"online": 2, "paper": 2}
    assert [v.void_reason for v in review.anomalies.voided_offline] == ["Entered twice by mistake."]
    assert other.name not in {row.branch for row in review.votes}


def test_the_review_page_prints_the_figures_and_keeps_lessons(client, login_as, second_round):
    campaign, _candidates, _voters = second_round
    admin = make_user(Role.ADMIN)
    db.session.commit()
    login_as(admin)
    page = client.get(f"/admin/campaigns/{campaign.id}/retrospective")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Participation" in html and "css/review.css" in html
    response = client.post(
        f"/admin/campaigns/{campaign.id}/retrospective/lessons",
        data={"text": "Print ballots a week earlier."},
    )
    assert response.status_code == 302
    assert db.session.get(CampaignLessons, campaign.id).text == "Print ballots a week earlier."
    assert _audits("campaign.lessons") == 1
    assert "Print ballots a week earlier." in client.get(
        f"/admin/campaigns/{campaign.id}/retrospective"
    ).get_data(as_text=True)


def test_too_long_lessons_are_refused_with_the_text_kept(client, login_as, second_round):
    campaign, _candidates, _voters = second_round
    login_as(make_user(Role.ADMIN))
    text = "Long lesson. " * 1000
    response = client.post(
        f"/admin/campaigns/{campaign.id}/retrospective/lessons", data={"text": text}
    )
    assert response.status_code == 400
    assert "Long lesson. Long lesson." in response.get_data(as_text=True)
    assert db.session.get(CampaignLessons, campaign.id) is None


def test_a_manager_may_not_write_the_review(client, login_as, second_round, manager_of, branch):
    campaign, _candidates, _voters = second_round
    login_as(manager_of(branch))
    response = client.post(
        f"/admin/campaigns/{campaign.id}/retrospective/lessons", data={"text": "Mine."}
    )
    assert response.status_code in (302, 403)
    assert db.session.get(CampaignLessons, campaign.id) is None


def _scored(second_round, manager):
    """Ann in the second round, scored by her manager: attitude 9, quality 4, efficiency 7."""
    campaign, (ann, _bo, _cy), _voters = second_round
    save_supervisor_evaluation(
        campaign, ann, manager, {"attitude": 9, "quality": 4, "efficiency": 7}, "Steady."
    )
    return campaign, ann


def test_the_plan_starts_from_the_weakest_criteria(second_round, manager_of, branch):
    campaign, ann = _scored(second_round, manager_of(branch))
    scores = criteria_scores(campaign, ann)
    assert round(scores["supervisor:quality"], 1) == round(3 / 9 * 100, 1)
    assert scores["customer:overall"] == 100.0
    plan = improvement_plan(campaign, ann)
    assert plan.weakest[0][0] == "supervisor:quality"
    assert [key for key, _score in plan.weakest][:2] == [
        "supervisor:quality",
        "supervisor:efficiency",
    ]


def test_a_manager_assigns_an_action_and_marks_it_done_once(
    client, login_as, second_round, manager_of, branch
):
    manager = manager_of(branch)
    campaign, ann = _scored(second_round, manager)
    login_as(manager)
    url = f"/admin/campaigns/{campaign.id}/improvement/{ann.id}"
    page = client.get(url)
    assert page.status_code == 200 and "Supervisor · Quality" in page.get_data(as_text=True)
    response = client.post(
        url, data={"criterion": "supervisor:quality", "action": "Shadow a senior at the till."}
    )
    assert response.status_code == 302
    action = db.session.scalars(select(ImprovementAction)).one()
    done = f"/admin/campaigns/{campaign.id}/improvement/actions/{action.id}/done"
    assert client.post(done).status_code == 302
    assert client.post(done).status_code == 302  # a double tap ends like one
    db.session.refresh(action)
    assert action.done_at is not None and action.done_by_id == manager.id
    assert _audits("campaign.improvement_action") == 1
    assert _audits("campaign.improvement_done") == 1


def test_an_action_needs_a_scored_criterion_and_keeps_the_text(
    client, login_as, second_round, manager_of, branch
):
    manager = manager_of(branch)
    campaign, ann = _scored(second_round, manager)
    login_as(manager)
    response = client.post(
        f"/admin/campaigns/{campaign.id}/improvement/{ann.id}",
        data={"criterion": "judges:teamwork", "action": "Team games."},
    )
    assert response.status_code == 400
    assert "Team games." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImprovementAction)) == 0


def test_only_a_candidate_has_a_plan(second_round, manager_of, branch):
    import pytest

    from core.services.campaign.rounds import CampaignError

    manager = manager_of(branch)
    campaign, _ann = _scored(second_round, manager)
    outsider = make_employee(branch=branch, display_name="Zed")
    db.session.commit()
    with pytest.raises(CampaignError):
        assign_action(campaign, outsider, "customer:overall", "Anything.", None, manager)


def test_another_branchs_manager_cannot_see_or_assign(
    client, login_as, second_round, manager_of, branch
):
    campaign, ann = _scored(second_round, manager_of(branch))
    elsewhere = make_branch(name="Elsewhere")
    db.session.commit()
    login_as(manager_of(elsewhere))
    url = f"/admin/campaigns/{campaign.id}/improvement/{ann.id}"
    assert client.get(url).status_code == 404
    response = client.post(url, data={"criterion": "supervisor:quality", "action": "X."})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ImprovementAction)) == 0


def test_marking_done_is_idempotent_in_the_service(second_round, manager_of, branch):
    manager = manager_of(branch)
    campaign, ann = _scored(second_round, manager)
    row = assign_action(campaign, ann, "supervisor:quality", "Coaching.", None, manager)
    first = mark_action_done(row.id, manager).done_at
    assert mark_action_done(row.id, manager).done_at == first


def test_the_review_lists_waivers_after_the_round_closes(second_round):
    campaign, _candidates, _voters = second_round
    # Closing the second round freezes it: its stage joins the participation table.
    from tests.campaign.conftest import waive_gaps

    waive_gaps(campaign)
    advance_stage(campaign, None)
    review = campaign_review(campaign)
    assert [s.stage for s in review.stages] == [CampaignStage.PRELIMINARY, CampaignStage.SECOND]
    assert review.waivers and all(w.reason for w in review.waivers)


def test_the_candidate_sees_their_own_plan_on_their_page(client, second_round, manager_of, branch):
    from urllib.parse import urlsplit

    from core.services.people.employees import issue_private_link

    manager = manager_of(branch)
    campaign, ann = _scored(second_round, manager)
    _ann, bo, _cy = second_round[1]
    assign_action(
        campaign, ann, "supervisor:quality", "Shadow a senior at the till.", None, manager
    )
    assign_action(campaign, bo, "customer:overall", "Greet every customer by name.", None, manager)
    page = client.get(f"{urlsplit(issue_private_link(ann)).path}/campaigns/{campaign.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Shadow a senior at the till." in html
    assert "Greet every customer by name." not in html


def test_flagged_paper_votes_reach_the_moderation_inbox_with_their_channel(
    client, login_as, make_campaign, branch
):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch, count=4)
    for code in codes[:3]:  # one phone on three ballots
        enter_paper_ballot(campaign, code, PHONE, {ann.id: 5}, clerk)
    enter_paper_ballot(campaign, codes[3], "13912345678", {ann.id: 5}, clerk)
    login_as(make_user(Role.ADMIN))
    html = client.get("/admin/feedback").get_data(as_text=True)
    assert "paper and phone votes in a suspicious pattern" in html
    assert "Paper ballot 3" in html
    assert f"/admin/campaigns/{campaign.id}/offline" in html


def test_the_review_lists_objections_and_their_outcomes(client, login_as, second_round):
    from core.services.notices.announcements import stage_notice
    from core.services.notices.objections import answer_objection, file_objection

    campaign, (_ann, bo, _cy), _voters = second_round
    campaign.notice_days = 7
    db.session.commit()
    admin = make_user(Role.ADMIN)
    db.session.commit()
    # The preliminary closed before notice days were set: object to a stage announced now.
    from tests.campaign.conftest import waive_gaps

    waive_gaps(campaign, admin)
    advance_stage(campaign, None)
    notice = stage_notice(campaign.id, CampaignStage.SECOND)
    objection = file_objection(notice.id, bo, "My paper ballots were not counted.")
    answer_objection(objection.id, "dismiss", "Checked: every ballot was entered.", admin)
    [listed] = campaign_review(campaign).objections
    assert listed.id == objection.id
    login_as(admin)
    html = client.get(f"/admin/campaigns/{campaign.id}/retrospective").get_data(as_text=True)
    assert "My paper ballots were not counted." in html
    assert "Checked: every ballot was entered." in html and "Dismissed" in html


def test_two_admins_saving_the_first_lessons_at_once_both_succeed(app, second_round):
    from tests.concurrency import run_together

    campaign, _candidates, _voters = second_round
    admins = [make_user(Role.ADMIN), make_user(Role.ADMIN)]
    db.session.commit()
    ids = [a.id for a in admins]

    def save(index):
        return save_lessons(
            db.session.get(type(campaign), campaign.id),
            f"Lesson {index}.",
            db.session.get(type(admins[0]), ids[index]),
        ).text

    assert all(run_together(app, 2, save))
    db.session.rollback()  # a fresh snapshot: the threads committed
    assert db.session.get(CampaignLessons, campaign.id).text in {"Lesson 0.", "Lesson 1."}
