"""One campaign from creation to the public wall, through the web pages only."""

from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from core.extensions import db
from core.models import Campaign, CampaignStage, Role
from core.services.people.employees import issue_private_link
from tests.campaign.conftest import rate
from tests.factories import make_employee, make_user


def _campaign_form(branch) -> dict:
    today = date.today()
    weights = {"w_preliminary_customer": "100", "w_second_customer": "40",
               "w_second_supervisor": "20", "w_second_colleagues": "20", "w_second_judges": "20",
               "w_final_customer": "30", "w_final_supervisor": "15", "w_final_colleagues": "15",
               "w_final_self": "10", "w_final_judges": "30"}  # fmt: skip
    return {
        "name": "Walkthrough", "branch_ids": [branch.id],
        "starts_on": (today - timedelta(days=5)).isoformat(),
        "ends_on": (today + timedelta(days=5)).isoformat(),
        "min_ratings": "1", "preliminary_pass": "2", "second_pass": "2", "winners": "1",
        "ballot_size": "1", "vote_threshold": "1", **weights,
    }  # fmt: skip


def test_a_campaign_runs_from_creation_to_the_wall(client, login_as, branch):
    ann, bo = (make_employee(branch=branch, display_name=n) for n in ("Ann Lee", "Bo Chen"))
    rate(ann, 4)
    rate(bo, 4)
    admin, manager = make_user(), make_user(Role.MANAGER, branches=[branch])
    judge = make_user(Role.JUDGE)
    db.session.commit()
    pages = {e.display_name: urlsplit(issue_private_link(e)).path for e in (ann, bo)}

    login_as(admin)
    assert client.post("/admin/campaigns/new", data=_campaign_form(branch)).status_code == 302
    campaign = db.session.scalars(select(Campaign)).one()
    url = f"/admin/campaigns/{campaign.id}"
    for round_ in ("second", "final"):
        client.post(f"{url}/panel/{round_}", data={"judge_ids": [judge.id]})
    for name, base in pages.items():
        response = client.post(
            f"{base}/campaigns/{campaign.id}/register", data={"highlights": name}
        )
        assert response.status_code == 302
    for _ in range(2):
        assert client.post(f"{url}/advance").status_code == 302
    db.session.refresh(campaign)
    assert campaign.stage is CampaignStage.SECOND

    # Bo's colleagues, supervisor and judge all favour Bo in both rounds.
    for _round in ("second", "final"):
        ballot = {"candidate_ids": [bo.id]}
        assert (
            client.post(
                f"{pages['Ann Lee']}/campaigns/{campaign.id}/ballot", data=ballot
            ).status_code
            == 302
        )
        client.post("/admin/logout")
        login_as(manager)
        for who, mark in ((bo, "10"), (ann, "6")):
            scores = {"attitude": mark, "quality": mark, "efficiency": mark, "comment": "Seen."}
            assert client.post(f"{url}/evaluate/{who.id}", data=scores).status_code == 302
        client.post("/admin/logout")
        login_as(judge)
        db.session.refresh(campaign)
        criteria = ("practical_skill", "adaptability", "teamwork") if _round == "second" else (
            "overall_quality", "service_philosophy", "innovation")  # fmt: skip
        for who, mark in ((bo, "9"), (ann, "5")):
            marks = dict.fromkeys(criteria, mark)
            response = client.post(f"/admin/judging/{campaign.id}/{who.id}", data=marks)
            assert response.status_code == 302
        client.post("/admin/logout")
        login_as(admin)
        if _round == "final":
            # Nobody self-evaluated: the page lists the gap and the stage does not close...
            page = client.get(url).get_data(as_text=True)
            assert "Before this stage can close" in page
            client.post(f"{url}/advance")
            db.session.refresh(campaign)
            assert campaign.stage is CampaignStage.FINAL
            # ...until the admin waives it for each of them, with a reason.
            for who in (ann, bo):
                waived = {"source": "self", "reason": "Self-evaluations were not asked for."}
                assert client.post(f"{url}/waive/{who.id}", data=waived).status_code == 302
        assert client.post(f"{url}/advance").status_code == 302

    db.session.refresh(campaign)
    assert campaign.stage is CampaignStage.PUBLISHED
    client.get(url)  # shows (and so clears) the flashed messages
    wall = client.get("/stars/selection").get_data(as_text=True)
    assert "Walkthrough" in wall and "Bo Chen" in wall and "Ann Lee" not in wall
