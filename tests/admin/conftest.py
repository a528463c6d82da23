"""Fixtures for the admin area, and the example ids of every admin route with an id.

ROUTE_EXAMPLES maps an admin endpoint with <int:...> parts to a function that, given
a branch, creates a record of that branch and returns the URL values that point at
it. test_access.py requests every such route as the manager of another branch and
expects 403 or 404. Add your route here when you add one; routes whose records have
no branch (rewards, award periods...) return ids of any record and must be refused
to managers anyway (403), or be listed in NOT_BRANCH_SCOPED with a reason.
"""

from datetime import timedelta

import pytest

from core.extensions import db
from core.models import DisputeStatus, FollowUpTask, Role, SurpriseStatus, utcnow
from tests.factories import (
    make_branch,
    make_employee,
    make_rating,
    make_redemption,
    make_user,
)


def _employee(branch):
    return {"employee_id": make_employee(branch=branch).id}


def _rating(branch, **kw):
    return {"rating_id": make_rating(make_employee(branch=branch), **kw).id}


def _redemption(branch):
    return {"redemption_id": make_redemption(make_employee(branch=branch)).id}


def make_followup(branch=None, **kw):
    """A follow-up task on a fresh 2-star rating with consent and a contact."""
    rating = make_rating(
        make_employee(branch=branch or make_branch()),
        overall=kw.pop("overall", 2),
        consent_contact=True,
        contact=kw.pop("contact", "customer@example.com"),
    )
    now = utcnow()
    task = FollowUpTask(
        rating_id=rating.id,
        branch_id=rating.branch_id,
        contact_due_at=kw.pop("contact_due_at", now + timedelta(days=1)),
        resolve_due_at=kw.pop("resolve_due_at", now + timedelta(days=15)),
        **kw,
    )
    db.session.add(task)
    db.session.flush()
    return task


def _refused_by_role(branch):
    """Admin- or judge-only routes: the role check refuses a manager before any lookup."""
    return {}


def _campaign(branch):
    """A selection campaign over this branch only (engineer F's service), in preparation."""
    from datetime import date

    from core.services.campaign.setup import CampaignData, create_campaign

    db.session.commit()  # the service starts a fresh write transaction
    today = date.today()
    data = CampaignData(
        name=f"Campaign of {branch.name}",
        branch_ids=[branch.id],
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=30),
    )
    return {"campaign_id": create_campaign(data, actor=None).id}


def _self_evaluation(branch):
    from core.models import CampaignStage, SelfEvaluation

    values = _campaign(branch)
    evaluation = SelfEvaluation(
        round=CampaignStage.SECOND, employee_id=make_employee(branch=branch).id,
        performance=5, growth=5, self_management=5, reasons="r", improvements="i", **values,
    )  # fmt: skip
    db.session.add(evaluation)
    db.session.flush()
    return {**values, "evaluation_id": evaluation.id}


def _offline_vote(branch):
    """A campaign of the branch with a counted phone vote (and a printed batch)."""
    from core.models import BallotBatch, OfflineVote, OfflineVoteStatus, VoteChannel, utcnow

    values = _campaign(branch)
    clerk = make_user(Role.ADMIN)
    batch = BallotBatch(
        campaign_id=values["campaign_id"], branch_id=branch.id, count=1, printed_by_id=clerk.id
    )
    vote = OfflineVote(
        campaign_id=values["campaign_id"], branch_id=branch.id, channel=VoteChannel.PHONE,
        status=OfflineVoteStatus.COUNTED, customer_hash="h", entered_by_id=clerk.id,
        counted_at=utcnow(),
    )  # fmt: skip
    db.session.add_all([batch, vote])
    db.session.flush()
    return {**values, "batch_id": batch.id, "vote_id": vote.id}


ROUTE_EXAMPLES = {
    "admin.branch_edit": lambda branch: {"branch_id": branch.id},
    "admin.branch_toggle_active": lambda branch: {"branch_id": branch.id},
    "admin.branch_noticeboard": lambda branch: {"branch_id": branch.id},
    "admin.branch_noticeboard_revoke": lambda branch: {"branch_id": branch.id},
    "admin.branch_cards": lambda branch: {"branch_id": branch.id},
    "admin.employee_detail": _employee,
    "admin.employee_edit": _employee,
    "admin.employee_toggle_active": _employee,
    "admin.employee_photo": _employee,
    "admin.employee_photo_upload": _employee,
    "admin.employee_rotate_card": _employee,
    "admin.employee_card": _employee,
    "admin.employee_private_link": _employee,
    "admin.employee_send_link": _employee,
    "admin.points_detail": _employee,
    "admin.points_adjust": _employee,
    "admin.points_redeem": _employee,
    "admin.campaign_edit": _refused_by_role,
    "admin.campaign_register": _refused_by_role,
    "admin.campaign_advance": _refused_by_role,
    "admin.campaign_panel": _refused_by_role,
    "admin.campaign_waive": _refused_by_role,
    "admin.judging_score": _refused_by_role,
    "admin.campaign_detail": _campaign,
    "admin.campaign_evaluations": _campaign,
    "admin.campaign_evaluate": lambda branch: {**_campaign(branch), **_employee(branch)},
    "admin.campaign_self_review": _self_evaluation,
    "admin.offline_vote_list": _campaign,
    "admin.offline_vote_export": _campaign,
    "admin.ballot_print": _campaign,
    "admin.ballot_enter": _campaign,
    "admin.ballot_batch": _offline_vote,
    "admin.phone_vote_new": lambda branch: {**_campaign(branch), "branch_id": branch.id},
    "admin.phone_vote_confirm": _offline_vote,
    "admin.offline_vote_void": _offline_vote,
    "admin.feedback_detail": _rating,
    "admin.feedback_hide": _rating,
    "admin.surprise_decide": lambda branch: {
        **_rating(branch, surprise_status=SurpriseStatus.CLAIMED),
        "decision": "confirm",
    },
    "admin.dispute_uphold": lambda branch: _rating(branch, dispute_status=DisputeStatus.OPEN),
    "admin.dispute_hide": lambda branch: _rating(branch, dispute_status=DisputeStatus.OPEN),
    "admin.followup_detail": lambda branch: {"task_id": make_followup(branch).id},
    "admin.user_edit": lambda branch: {"user_id": make_user(Role.MANAGER, branches=[branch]).id},
    "admin.user_toggle_active": lambda branch: {
        "user_id": make_user(Role.MANAGER, branches=[branch]).id
    },
    "admin.redemption_approve": _redemption,
    "admin.redemption_reject": _redemption,
    "admin.redemption_fulfil": _redemption,
    # Admin-only routes of records without a branch: managers get 403 before any lookup.
    "admin.reward_edit": lambda branch: {"reward_id": 1},
    "admin.award_detail": lambda branch: {"period_id": 1},
    "admin.award_publish": lambda branch: {"period_id": 1},
    "admin.award_withdraw": lambda branch: {"period_id": 1},
    "admin.award_winner_add": lambda branch: {"period_id": 1, "category_id": 1},
    "admin.award_quota": lambda branch: {"period_id": 1, "category_id": 1},
    "admin.award_winner_remove": lambda branch: {"winner_id": 1},
    "admin.award_certificate": lambda branch: {"winner_id": 1},
    "admin.export_results": lambda branch: {"period_id": 1},
    "admin.objection_answer": lambda branch: {"objection_id": 1},
    "admin.campaign_rewards": lambda branch: {"campaign_id": 1},
    "admin.award_category_rewards": lambda branch: {"period_id": 1, "category_id": 1},
    "admin.place_reward_remove": lambda branch: {"place_reward_id": 1},
    "admin.commitment_deliver": lambda branch: {"commitment_id": 1},
    "admin.campaign_retrospective": _refused_by_role,
    "admin.campaign_lessons": _refused_by_role,
    # A manager of another branch does not see the campaign: 404 before the candidate.
    "admin.campaign_improvement": _campaign,
    "admin.candidate_improvement": lambda branch: {**_campaign(branch), **_employee(branch)},
    "admin.improvement_action_done": lambda branch: {**_campaign(branch), "action_id": 1},
}

# Endpoints with an id whose records belong to no branch and that managers may open.
NOT_BRANCH_SCOPED: dict[str, str] = {}


@pytest.fixture
def admin_user(app):
    return make_user(Role.ADMIN, name="Ada Admin")


@pytest.fixture
def branch_a(app):
    return make_branch(name="Branch A")


@pytest.fixture
def branch_b(app):
    return make_branch(name="Branch B")


@pytest.fixture
def manager(app, branch_a):
    """A manager of branch A only."""
    return make_user(Role.MANAGER, name="Mia Manager", branches=[branch_a])


@pytest.fixture
def admin_client(client, login_as, admin_user):
    login_as(admin_user)
    return client


@pytest.fixture
def manager_client(client, login_as, manager):
    login_as(manager)
    return client


def csrf_token_of(page: str) -> str:
    """The CSRF token in a rendered form."""
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


@pytest.fixture
def csrf_admin(make_app):
    """An app with CSRF protection on, and a client signed in (with a token) as an admin."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        admin = make_user(Role.ADMIN)
        db.session.commit()
        client = app.test_client()
        token = csrf_token_of(client.get("/admin/login").get_data(as_text=True))
        response = client.post(
            "/admin/login",
            data={"email": admin.email, "password": "correct horse battery", "csrf_token": token},
        )
        assert response.status_code == 302
        yield client
