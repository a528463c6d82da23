"""Admin pages of a campaign: create (weights validated on the form), register, advance, panels."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Campaign, CampaignStage, JudgePanelMember, Registration, Role
from core.services.campaign.registration import register_employee
from tests.campaign.conftest import rate
from tests.factories import make_branch, make_employee, make_user


def _form(branch, **overrides) -> dict:
    today = date.today()
    data = {
        "name": "Spring selection",
        "branch_ids": [branch.id],
        "starts_on": (today - timedelta(days=10)).isoformat(),
        "ends_on": (today + timedelta(days=10)).isoformat(),
        "min_ratings": "3",
        "preliminary_pass": "5",
        "second_pass": "3",
        "winners": "1",
        "ballot_size": "3",
        "vote_threshold": "5",
        "w_preliminary_customer": "100",
        "w_second_customer": "40",
        "w_second_supervisor": "20",
        "w_second_colleagues": "20",
        "w_second_judges": "20",
        "w_final_customer": "30",
        "w_final_supervisor": "15",
        "w_final_colleagues": "15",
        "w_final_self": "10",
        "w_final_judges": "30",
    }
    data.update(overrides)
    return data


def _campaigns() -> int:
    return db.session.scalar(select(func.count()).select_from(Campaign))


def test_an_admin_creates_a_campaign(client, login_as, branch):
    login_as(make_user())
    response = client.post("/admin/campaigns/new", data=_form(branch))
    campaign = db.session.scalars(select(Campaign)).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/campaigns/{campaign.id}")
    assert campaign.weights["final"] == {
        "customer": 30,
        "supervisor": 15,
        "colleagues": 15,
        "self": 10,
        "judges": 30,
    }
    assert campaign.branch_ids == {branch.id}


def test_weights_not_totalling_100_are_shown_next_to_the_stage(client, login_as, branch):
    login_as(make_user())
    response = client.post("/admin/campaigns/new", data=_form(branch, w_second_judges="25"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="weights-second-error"' in page
    assert 'value="Spring selection"' in page  # nothing typed is lost
    assert _campaigns() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("starts_on", "yesterday"),
        ("ends_on", "2000-01-01"),
        ("winners", "0"),
        ("ballot_size", "many"),
        ("w_final_self", "101"),
        ("branch_ids", []),
    ],
)
def test_bad_campaign_input_is_refused_next_to_the_field(client, login_as, branch, field, value):
    login_as(make_user())
    response = client.post("/admin/campaigns/new", data=_form(branch, **{field: value}))
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert _campaigns() == 0


def test_the_campaign_form_requires_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context(), app.test_request_context():
        branch = make_branch()
        user = make_user()
        db.session.commit()
        client = app.test_client()
        page = client.get("/admin/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/admin/login",
            data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
        )
        assert client.get("/admin/campaigns/new").status_code == 200  # signed in
        response = client.post("/admin/campaigns/new", data=_form(branch))
        assert response.status_code == 400
        assert _campaigns() == 0


def test_managers_cannot_create_campaigns(client, login_as, branch):
    login_as(make_user(Role.MANAGER, branches=[branch]))
    assert client.post("/admin/campaigns/new", data=_form(branch)).status_code == 403


def test_a_manager_sees_only_campaigns_of_their_branches(client, login_as, make_campaign, branch):
    other = make_branch()
    mine = make_campaign([branch], name="Mine")
    theirs = make_campaign([other], name="Theirs")
    login_as(make_user(Role.MANAGER, branches=[branch]))
    page = client.get("/admin/campaigns").get_data(as_text=True)
    assert "Mine" in page and "Theirs" not in page
    assert client.get(f"/admin/campaigns/{mine.id}").status_code == 200
    assert client.get(f"/admin/campaigns/{theirs.id}").status_code == 404


def test_an_admin_registers_an_employee_on_their_behalf(client, login_as, make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch])
    admin = make_user()
    login_as(admin)
    response = client.post(
        f"/admin/campaigns/{campaign.id}/register",
        data={"employee_id": employee.id, "highlights": "Calm in a rush."},
    )
    assert response.status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    assert registration.registered_by_id == admin.id


def test_an_admin_registers_late_with_a_reason(client, login_as, make_campaign, branch):
    employee = make_employee(branch=branch)
    campaign = make_campaign([branch], registration_closes_on=date.today() - timedelta(days=2))
    login_as(make_user())
    url = f"/admin/campaigns/{campaign.id}/register"
    data = {"employee_id": employee.id, "highlights": "Calm in a rush."}
    refused = client.post(url, data=data)
    assert refused.status_code == 400
    assert 'id="late_reason-error"' in refused.get_data(as_text=True)
    assert client.post(url, data={**data, "late_reason": "Was on leave."}).status_code == 302
    registration = db.session.scalars(select(Registration)).one()
    assert registration.late_reason == "Was on leave."
    assert "Was on leave." in client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)


def test_registering_on_behalf_without_highlights_keeps_the_choice(
    client, login_as, make_campaign, branch
):
    employee = make_employee(branch=branch, display_name="Zed")
    campaign = make_campaign([branch])
    login_as(make_user())
    response = client.post(
        f"/admin/campaigns/{campaign.id}/register",
        data={"employee_id": employee.id, "highlights": ""},
    )
    assert response.status_code == 400
    assert f'<option selected value="{employee.id}">' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_the_admin_advances_and_sees_the_breakdown(client, login_as, make_campaign, branch):
    employee = make_employee(branch=branch, display_name="Ann")
    rate(employee, 5)
    campaign = make_campaign([branch])
    register_employee(campaign, employee, "Helped")
    login_as(make_user())
    response = client.post(f"/admin/campaigns/{campaign.id}/advance")
    assert response.status_code == 302
    db.session.refresh(campaign)
    assert campaign.stage is CampaignStage.PRELIMINARY
    page = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)
    assert "100.00\n× 100% = 100.00" in page


def test_advancing_with_nobody_registered_is_refused_with_a_message(
    client, login_as, make_campaign, branch
):
    campaign = make_campaign([branch])
    login_as(make_user())
    response = client.post(f"/admin/campaigns/{campaign.id}/advance", follow_redirects=True)
    assert "Nobody has registered yet." in response.get_data(as_text=True)
    db.session.refresh(campaign)
    assert campaign.stage is CampaignStage.REGISTRATION


def test_the_admin_names_a_judge_panel(client, login_as, make_campaign, branch):
    campaign = make_campaign([branch])
    judge = make_user(Role.JUDGE)
    login_as(make_user())
    response = client.post(
        f"/admin/campaigns/{campaign.id}/panel/second", data={"judge_ids": [judge.id]}
    )
    assert response.status_code == 302
    assert db.session.scalars(select(JudgePanelMember.user_id)).all() == [judge.id]


def test_a_manager_cannot_be_named_a_judge(client, login_as, make_campaign, branch):
    campaign = make_campaign([branch])
    manager = make_user(Role.MANAGER)
    login_as(make_user())
    response = client.post(
        f"/admin/campaigns/{campaign.id}/panel/final", data={"judge_ids": [manager.id]}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(JudgePanelMember)) == 0


def test_an_unknown_round_has_no_panel(client, login_as, make_campaign, branch):
    campaign = make_campaign([branch])
    login_as(make_user())
    assert client.get(f"/admin/campaigns/{campaign.id}/panel/preliminary").status_code == 404
