"""Published final winners on the public selection wall (certificates: tests/portal)."""

from urllib.parse import urlsplit

from sqlalchemy import select

from core.extensions import db
from core.models import CampaignStage, Employee, StageResult
from core.services.campaign.registration import register_employee
from core.services.campaign.stages import advance_stage
from core.services.people.employees import issue_private_link
from tests.campaign.conftest import CUSTOMER_ONLY, rate
from tests.factories import make_employee, make_user


def _through_final(make_campaign, branch, publish: bool):
    ann, bo = (
        make_employee(branch=branch, display_name="Ann Lee"),
        make_employee(branch=branch, display_name="Bo Chen"),
    )
    rate(ann, 5)
    rate(bo, 3)
    campaign = make_campaign([branch], name="Star 2026", winners=1, weights=CUSTOMER_ONLY)
    for employee in (ann, bo):
        register_employee(campaign, employee, "Helped")
    for _ in range(4 if publish else 3):
        advance_stage(campaign, None)
    return campaign


def test_the_wall_lists_published_winners_only(client, make_campaign, branch):
    _through_final(make_campaign, branch, publish=True)
    page = client.get("/stars/selection").get_data(as_text=True)
    assert "Star 2026" in page and "Ann Lee" in page and "Bo Chen" not in page


def test_an_unpublished_campaign_stays_off_the_wall(client, make_campaign, branch):
    _through_final(make_campaign, branch, publish=False)
    assert "Star 2026" not in client.get("/stars/selection").get_data(as_text=True)


def test_admins_and_staff_are_pointed_to_the_published_wall(
    client, login_as, make_campaign, branch
):
    campaign = _through_final(make_campaign, branch, publish=True)
    ann = db.session.scalars(select(StageResult).filter_by(rank=1, stage=CampaignStage.FINAL)).one()
    db.session.commit()
    staff_page = urlsplit(issue_private_link(ann.employee)).path + f"/campaigns/{campaign.id}"
    assert "/stars/selection" in client.get(staff_page).get_data(as_text=True)
    login_as(make_user())
    detail = client.get(f"/admin/campaigns/{campaign.id}")
    assert detail.status_code == 200 and "/stars/selection" in detail.get_data(as_text=True)


def test_a_winner_finds_the_win_and_its_certificate_under_my_awards(client, make_campaign, branch):
    _through_final(make_campaign, branch, publish=True)
    ann, bo = (
        db.session.scalars(select(Employee).where(Employee.display_name == name)).one()
        for name in ("Ann Lee", "Bo Chen")
    )
    token = db.session.scalars(
        select(StageResult.verification_token).where(
            StageResult.employee_id == ann.id, StageResult.stage == CampaignStage.FINAL
        )
    ).one()

    anns = client.get(urlsplit(issue_private_link(ann)).path).get_data(as_text=True)
    bos = client.get(urlsplit(issue_private_link(bo)).path).get_data(as_text=True)

    assert "My awards" in anns and "Star 2026" in anns
    assert f"/stars/verify/{token}/certificate" in anns
    assert "My awards" not in bos
