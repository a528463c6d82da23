"""A branch's staff noticeboard: one secret link (and its QR) an admin issues, replaces or
revokes; it shows the announced selection results and the rules, nothing private."""

from urllib.parse import urlsplit

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry
from core.services.people.noticeboards import issue_noticeboard_link
from tests.factories import make_branch
from tests.portal.qr_images import decoded_svg, svgs_in


def _shown_link(response) -> str:
    return response.get_data(as_text=True).split('class="secret-link">')[1].split("<")[0]


def test_an_admin_issues_a_link_whose_qr_opens_the_board(admin_client, branch_a):
    db.session.commit()

    response = admin_client.post(f"/admin/branches/{branch_a.id}/noticeboard")

    link = _shown_link(response)
    [qr] = svgs_in(response.get_data(as_text=True))
    assert response.status_code == 200 and decoded_svg(qr) == link
    board = admin_client.get(urlsplit(link).path)
    assert board.status_code == 200 and "Branch A" in board.get_data(as_text=True)
    assert board.headers["Cache-Control"] == "no-store"
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "branch.issue_noticeboard" in actions


def test_a_new_link_or_a_revocation_ends_the_old_one(admin_client, client, branch_a):
    db.session.commit()
    old = urlsplit(issue_noticeboard_link(branch_a, None)).path
    new = urlsplit(_shown_link(admin_client.post(f"/admin/branches/{branch_a.id}/noticeboard")))

    assert client.get(old).status_code == 404
    assert client.get(new.path).status_code == 200
    admin_client.post(f"/admin/branches/{branch_a.id}/noticeboard/revoke")
    assert client.get(new.path).status_code == 404
    assert client.get("/me/board/not-a-secret").status_code == 404


def test_a_manager_may_not_issue_a_link(manager_client, branch_a):
    db.session.commit()

    assert manager_client.post(f"/admin/branches/{branch_a.id}/noticeboard").status_code == 403


def test_an_inactive_branchs_board_is_gone(client, app):
    branch = make_branch(name="Closed", active=False)
    db.session.commit()
    link = issue_noticeboard_link(branch, None)

    assert client.get(urlsplit(link).path).status_code == 404
