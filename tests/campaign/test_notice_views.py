"""Public notice on the pages: candidates object on their campaign page and read the answer;
admins answer on the objections list; the wall shows only final results."""

from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from core.extensions import db
from core.models import CampaignStage, Objection, ObjectionStatus, Role, StageResult
from core.services.campaign.registration import register_employee
from core.services.campaign.stages import advance_stage
from core.services.notices.announcements import period_notice, stage_notice
from core.services.people.employees import issue_private_link
from core.services.people.noticeboards import issue_noticeboard_link
from tests.campaign.conftest import CUSTOMER_ONLY, rate
from tests.factories import make_employee, make_published_award, make_user

REASON = "My paper ballots were not counted."


def _announced(make_campaign, branch, notice_days=3, stages=2):
    ann = make_employee(branch=branch, display_name="Ann Lee")
    bo = make_employee(branch=branch, display_name="Bo Chen")
    rate(ann, 5)
    rate(bo, 3)
    campaign = make_campaign(
        [branch], name="Star 2026", weights=CUSTOMER_ONLY, notice_days=notice_days,
        preliminary_pass=2, winners=1,
    )  # fmt: skip
    for employee in (ann, bo):
        register_employee(campaign, employee, "Helped")
    for _ in range(stages):
        advance_stage(campaign, None)
    return campaign, ann, bo


def _page(employee, campaign) -> str:
    return urlsplit(issue_private_link(employee)).path + f"/campaigns/{campaign.id}"


def test_a_candidate_objects_on_their_page_and_reads_the_answer(
    client, login_as, make_campaign, branch
):
    campaign, _ann, bo = _announced(make_campaign, branch)
    page = _page(bo, campaign)
    assert "Object to these results" in client.get(page).get_data(as_text=True)

    sent = client.post(
        f"{page}/results/preliminary/objection", data={"objection-preliminary-reason": REASON}
    )
    assert sent.status_code == 302
    objection = db.session.scalar(select(Objection))
    assert objection.employee_id == bo.id and objection.status is ObjectionStatus.OPEN

    again = client.post(
        f"{page}/results/preliminary/objection", data={"objection-preliminary-reason": REASON}
    )
    assert again.status_code == 400  # one objection per result
    assert "already" in again.get_data(as_text=True)

    login_as(make_user(Role.ADMIN))
    listed = client.get("/admin/objections").get_data(as_text=True)
    assert "Bo Chen" in listed
    answered = client.post(
        f"/admin/objections/{objection.id}",
        data={"decision": "dismiss", "answer": "Checked: every ballot was entered."},
    )
    assert answered.status_code == 302
    shown = client.get(page).get_data(as_text=True)
    assert "Checked: every ballot was entered." in shown
    assert "Dismissed" in shown


def test_a_short_reason_is_refused_and_kept(client, make_campaign, branch):
    campaign, _ann, bo = _announced(make_campaign, branch)

    response = client.post(
        f"{_page(bo, campaign)}/results/preliminary/objection",
        data={"objection-preliminary-reason": "Wrong"},
    )

    assert response.status_code == 400
    assert "Wrong</textarea>" in response.get_data(as_text=True)
    assert db.session.scalar(select(Objection)) is None


def test_a_non_candidate_sees_no_form_and_is_refused(client, make_campaign, branch):
    campaign, _ann, _bo = _announced(make_campaign, branch)
    outsider = make_employee(branch=branch, display_name="Cy Wu")
    db.session.commit()
    page = _page(outsider, campaign)

    assert "Object to these results" not in client.get(page).get_data(as_text=True)
    response = client.post(
        f"{page}/results/preliminary/objection", data={"objection-preliminary-reason": REASON}
    )
    assert response.status_code == 400
    assert "Only a candidate" in response.get_data(as_text=True)


def test_an_admin_answer_without_a_reason_is_refused(client, login_as, make_campaign, branch):
    campaign, _ann, bo = _announced(make_campaign, branch)
    client.post(
        f"{_page(bo, campaign)}/results/preliminary/objection",
        data={"objection-preliminary-reason": REASON},
    )
    objection = db.session.scalar(select(Objection))
    login_as(make_user(Role.ADMIN))

    response = client.post(
        f"/admin/objections/{objection.id}", data={"decision": "withdraw", "answer": "No."}
    )

    assert response.status_code == 400  # "withdraw" is for award periods, not stages
    db.session.refresh(objection)
    assert objection.status is ObjectionStatus.OPEN


def test_a_candidate_sees_only_their_own_breakdown(client, make_campaign, branch):
    campaign, ann, bo = _announced(make_campaign, branch)
    ann_page = client.get(_page(ann, campaign)).get_data(as_text=True)
    bo_page = client.get(_page(bo, campaign)).get_data(as_text=True)

    rows = db.session.scalars(select(StageResult).filter_by(campaign_id=campaign.id)).all()
    ann_line, bo_line = (
        _contribution(next(r for r in rows if r.employee_id == e.id)) for e in (ann, bo)
    )
    assert ann_line != bo_line
    assert ann_page.count('class="breakdown"') == 1 and ann_line in ann_page
    assert bo_line not in ann_page
    assert bo_page.count('class="breakdown"') == 1 and bo_line in bo_page
    assert ann_line not in bo_page


def _contribution(row) -> str:
    """The breakdown's line as printed: raw × weight = points."""
    line = row.lines[0]
    return f"{line['raw']:.2f}\n× {line['weight']:.4g}% = {line['contribution']:.2f}"


def test_the_wall_shows_the_winners_only_once_final(client, make_campaign, branch):
    campaign, _ann, _bo = _announced(make_campaign, branch, notice_days=3, stages=4)
    assert "Ann Lee" not in client.get("/stars/selection").get_data(as_text=True)

    notice = stage_notice(campaign.id, CampaignStage.FINAL)
    notice.announced_at = notice.announced_at.replace(year=notice.announced_at.year - 1)
    notice.notice_ends_at = notice.notice_ends_at.replace(year=notice.notice_ends_at.year - 1)
    db.session.commit()
    assert "Ann Lee" in client.get("/stars/selection").get_data(as_text=True)


def test_an_award_candidate_objects_on_their_private_page(client, login_as):
    winner = make_published_award(notice_days=3)
    page = urlsplit(issue_private_link(winner.employee)).path
    notice = period_notice(winner.category.period_id)
    assert "Object to these results" in client.get(page).get_data(as_text=True)
    field = f"objection{notice.id}-reason"

    short = client.post(f"{page}/award-notices/{notice.id}/objection", data={field: "Bad"})
    assert short.status_code == 400 and "Bad</textarea>" in short.get_data(as_text=True)
    sent = client.post(f"{page}/award-notices/{notice.id}/objection", data={field: REASON})
    assert sent.status_code == 302

    objection = db.session.scalar(select(Objection))
    login_as(make_user(Role.ADMIN))
    client.post(
        f"/admin/objections/{objection.id}",
        data={"decision": "withdraw", "answer": "Right: we correct the citation."},
    )
    shown = client.get(page).get_data(as_text=True)
    assert "Right: we correct the citation." in shown
    assert "withdrawn" in shown


def test_someone_not_listed_in_the_period_is_refused(client):
    winner = make_published_award(notice_days=3)
    outsider = make_employee(display_name="Cy Wu")
    db.session.commit()
    notice = period_notice(winner.category.period_id)
    page = urlsplit(issue_private_link(outsider)).path

    assert "Object to these results" not in client.get(page).get_data(as_text=True)
    response = client.post(
        f"{page}/award-notices/{notice.id}/objection",
        data={f"objection{notice.id}-reason": REASON},
    )
    assert response.status_code == 400
    assert "Only a candidate" in response.get_data(as_text=True)


def test_the_noticeboard_says_until_when_results_are_under_notice(client, make_campaign, branch):
    campaign, _ann, bo = _announced(make_campaign, branch, notice_days=3, stages=2)
    link = issue_noticeboard_link(branch, None)
    assert "Under public notice until" in client.get(urlsplit(link).path).get_data(as_text=True)

    notice = stage_notice(campaign.id, CampaignStage.PRELIMINARY)
    notice.announced_at -= timedelta(days=10)
    notice.notice_ends_at -= timedelta(days=10)
    db.session.commit()
    assert "Final." in client.get(urlsplit(link).path).get_data(as_text=True)


def test_the_admin_campaign_page_counts_the_open_objections(
    client, login_as, make_campaign, branch
):
    campaign, _ann, bo = _announced(make_campaign, branch)
    client.post(
        f"{_page(bo, campaign)}/results/preliminary/objection",
        data={"objection-preliminary-reason": REASON},
    )
    login_as(make_user(Role.ADMIN))

    page = client.get(f"/admin/campaigns/{campaign.id}").get_data(as_text=True)

    assert "Under public notice until" in page
    assert "1 objection waits for an answer." in page


def test_an_award_under_notice_has_no_wall_entry_nor_certificate_yet(client):
    winner = make_published_award(notice_days=3, name="November stars")
    certificate = f"/stars/verify/{winner.verification_token}/certificate"
    assert "November stars" not in client.get("/stars").get_data(as_text=True)
    assert client.get(certificate).status_code == 404

    notice = period_notice(winner.category.period_id)
    notice.announced_at -= timedelta(days=10)
    notice.notice_ends_at -= timedelta(days=10)
    db.session.commit()
    assert "November stars" in client.get("/stars").get_data(as_text=True)
    assert client.get(certificate).status_code == 200
