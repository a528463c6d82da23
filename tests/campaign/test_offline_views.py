"""The admin screens of offline votes: printed A5 ballots whose QR decodes to their code,
entry refusals that keep what was typed, voiding, the CSV, and concurrent entries."""

import re

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEntry, OfflineVote, OfflineVoteStatus, PaperBallot, Role
from core.services.campaign.offline_votes import enter_paper_ballot
from core.services.campaign.rounds import CampaignError
from tests.campaign.offline_helpers import PHONE, campaign_with_candidates, printed
from tests.concurrency import run_together
from tests.factories import make_branch, make_user

CODE = re.compile(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2})</code>")


def _svg_to_image(svg: str) -> Image.Image:
    """Rasterise one of our QR SVGs (runs of dark modules as M x y h w boxes), scaled up."""
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    image = Image.new("L", (size, size), 255)
    for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)", svg):
        for dx in range(int(w)):
            image.putpixel((int(x) + dx, int(y)), 0)
    return image.resize((size * 8, size * 8), Image.Resampling.NEAREST)


def test_printed_ballots_fit_a5_and_their_qr_decodes_to_their_code(
    client, login_as, make_campaign, branch
):
    campaign, (ann, bo) = campaign_with_candidates(make_campaign, branch)
    admin = make_user(Role.ADMIN)
    login_as(admin)

    response = client.post(
        f"/admin/campaigns/{campaign.id}/ballots/print", data={"branch_id": branch.id, "count": 3}
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    codes = CODE.findall(page)
    svgs = re.findall(r"<svg.*?</svg>", page)
    assert len(codes) == len(svgs) == 3
    for code, svg in zip(codes, svgs, strict=True):
        assert [r.text for r in zxingcpp.read_barcodes(_svg_to_image(svg))] == [code]
    assert "Ann" in page and "Bo" in page and "css/ballot.css" in page
    with open("static/css/ballot.css") as css:
        assert "@page{size:A5" in css.read()
    assert db.session.scalar(select(func.count()).select_from(PaperBallot)) == 3
    assert db.session.scalar(select(AuditEntry.action).filter_by(action="ballot_batch.print"))


def test_a_manager_of_another_branch_cannot_print_or_see(client, login_as, make_campaign, branch):
    campaign, _candidates = campaign_with_candidates(make_campaign, branch)
    login_as(make_user(Role.MANAGER, branches=[make_branch()]))
    assert client.get(f"/admin/campaigns/{campaign.id}/offline").status_code == 404
    response = client.post(
        f"/admin/campaigns/{campaign.id}/ballots/print", data={"branch_id": branch.id, "count": 3}
    )
    assert response.status_code == 404


def test_the_code_step_shows_the_ballots_candidates(client, login_as, make_campaign, branch):
    campaign, _candidates = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)
    login_as(clerk)
    response = client.post(f"/admin/campaigns/{campaign.id}/ballots/enter", data={"code": codes[0]})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Ann" in page and 'name="phone"' in page


@pytest.mark.parametrize("case", ["unknown", "used", "voided"])
def test_a_refused_code_answers_400_with_the_reason_and_keeps_the_typing(
    client, login_as, make_campaign, branch, case
):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    batch, codes, clerk = printed(campaign, branch)
    code = {"unknown": "ZZZZ-ZZZZ-ZZ", "used": codes[0], "voided": codes[1]}[case]
    if case == "used":
        enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)
    if case == "voided":
        from core.services.campaign.ballots import void_ballot

        void_ballot(batch, 2, "Torn.", clerk)
    login_as(clerk)

    response = client.post(
        f"/admin/campaigns/{campaign.id}/ballots/enter",
        data={"code": code, "phone": PHONE, f"mark_{ann.id}": "5"},
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    expected = {"unknown": "do not know", "used": "already been entered", "voided": "voided"}
    assert expected[case] in page and code in page


def test_an_invalid_phone_keeps_the_marks(client, login_as, make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)
    login_as(clerk)
    response = client.post(
        f"/admin/campaigns/{campaign.id}/ballots/enter",
        data={"code": codes[0], "phone": "12", f"mark_{ann.id}": "4"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "valid mobile number" in page and '<option selected value="4">' in page
    assert db.session.scalar(select(func.count()).select_from(OfflineVote)) == 0


def test_entering_a_ballot_counts_and_redirects(client, login_as, make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)
    login_as(clerk)
    response = client.post(
        f"/admin/campaigns/{campaign.id}/ballots/enter",
        data={"code": codes[0], "phone": PHONE, f"mark_{ann.id}": "5"},
    )
    assert response.status_code == 302
    vote = db.session.scalar(select(OfflineVote))
    assert vote.entered_by_id == clerk.id and vote.marks[0].stars == 5


def test_a_manager_voids_a_vote_and_the_csv_shows_it(client, login_as, make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)
    vote = enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)
    login_as(make_user(Role.MANAGER, branches=[branch]))

    response = client.post(
        f"/admin/campaigns/{campaign.id}/offline/{vote.id}/void", data={"reason": "Made up."}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OfflineVote, vote.id).status is OfflineVoteStatus.VOIDED
    csv = client.get(f"/admin/campaigns/{campaign.id}/offline.csv").get_data(as_text=True)
    assert "Paper ballot" in csv and "Voided" in csv and "Made up." in csv and "Ann" in csv
    assert PHONE not in csv


@pytest.mark.parametrize("action", ["void", "confirm", "batch"])
def test_a_vote_or_batch_is_not_reached_through_another_campaign(
    client, login_as, make_campaign, branch, action
):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    batch, codes, clerk = printed(campaign, branch)
    vote = enter_paper_ballot(campaign, codes[0], PHONE, {ann.id: 5}, clerk)
    other = make_campaign([branch], name="Another campaign")
    login_as(make_user(Role.ADMIN))
    url = {
        "void": f"/admin/campaigns/{other.id}/offline/{vote.id}/void",
        "confirm": f"/admin/campaigns/{other.id}/phone-votes/{vote.id}/confirm",
        "batch": f"/admin/campaigns/{other.id}/ballot-batches/{batch.id}",
    }[action]

    assert client.get(url).status_code == 404
    assert client.post(url, data={"reason": "Made up.", "number": 1}).status_code == 404
    db.session.expire_all()
    assert db.session.get(OfflineVote, vote.id).status is not OfflineVoteStatus.VOIDED


def test_two_concurrent_entries_of_one_ballot_count_once(app, make_campaign, branch):
    campaign, (ann, _bo) = campaign_with_candidates(make_campaign, branch)
    _batch, codes, clerk = printed(campaign, branch)
    campaign_id, clerk_id, ann_id = campaign.id, clerk.id, ann.id
    db.session.commit()

    def enter(index: int) -> int:
        from core.models import Campaign, User

        with app.test_request_context():
            return enter_paper_ballot(
                db.session.get(Campaign, campaign_id), codes[0], f"1391234567{index}",
                {ann_id: 5}, db.session.get(User, clerk_id),
            ).id  # fmt: skip

    results = run_together(app, 2, enter, refused=CampaignError)

    assert sum(r is not None for r in results) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OfflineVote)) == 1
