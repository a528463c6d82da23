"""A lost private link: reissued by the employee's manager, announced in the employee's language."""

import email
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, Employee
from core.services.people.employees import issue_private_link
from tests.factories import make_employee
from tests.portal.qr_images import decoded_svg, svgs_in


def _shown_link(response) -> str:
    return response.get_data(as_text=True).split('class="secret-link">')[1].split("<")[0]


def _mails(app) -> list[email.message.EmailMessage]:
    paths = sorted((Path(app.instance_path) / "mail").glob("*.eml"))
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in paths]


def test_manager_reissues_a_lost_link_and_the_old_one_stops_working(
    manager_client, branch_a, manager
):
    employee = make_employee(branch=branch_a)
    db.session.commit()
    old = urlsplit(issue_private_link(employee)).path
    assert manager_client.get(old).status_code == 200

    response = manager_client.post(f"/admin/employees/{employee.id}/private-link")

    new = urlsplit(_shown_link(response)).path
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    [qr] = svgs_in(response.get_data(as_text=True))
    assert decoded_svg(qr) == _shown_link(response)
    assert manager_client.get(old).status_code == 404
    assert manager_client.get(new).status_code == 200
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "employee.issue_private_link")
    ).all()[-1]
    assert entry.user_id == manager.id and entry.target_id == str(employee.id)
    assert new.rsplit("/", 1)[1] not in str(entry.before) + str(entry.after)


def test_another_branchs_manager_may_not_reissue(manager_client, branch_b):
    employee = make_employee(branch=branch_b)
    db.session.commit()
    old = urlsplit(issue_private_link(employee)).path
    token_hash = employee.page_token_hash

    for path in ("private-link", "private-link/send"):
        response = manager_client.post(
            f"/admin/employees/{employee.id}/{path}", data={"email": "staff@example.com"}
        )
        assert response.status_code == 404

    db.session.expire_all()
    assert db.session.get(Employee, employee.id).page_token_hash == token_hash
    assert manager_client.get(old).status_code == 200


def test_the_mail_is_in_the_employees_language_not_the_senders(app, manager_client, branch_a):
    app.config["MAIL_BACKEND"] = "file"
    chinese = make_employee(branch=branch_a, display_name="王芳", locale="zh_CN")
    english = make_employee(branch=branch_a, display_name="Ann Lee", locale="en")
    db.session.commit()

    for employee, sender_language in ((chinese, "en"), (english, "zh-CN")):
        response = manager_client.post(
            f"/admin/employees/{employee.id}/private-link/send",
            data={"email": f"{employee.id}@example.com"},
            headers={"Accept-Language": sender_language},
        )
        assert response.status_code == 302

    to_chinese, to_english = _mails(app)
    assert to_chinese["Subject"] == "您的服务之星页面"
    assert "王芳" in to_chinese.get_content() and "Hello" not in to_chinese.get_content()
    assert to_english["Subject"] == "Your Service Star page"
    assert to_english.get_content().startswith("Hello Ann Lee")


def test_without_a_stored_language_the_mail_uses_the_site_default(app, manager_client, branch_a):
    app.config["MAIL_BACKEND"] = "file"
    employee = make_employee(branch=branch_a)
    db.session.commit()

    manager_client.post(
        f"/admin/employees/{employee.id}/private-link/send",
        data={"email": "staff@example.com"},
        headers={"Accept-Language": "zh-CN"},
    )

    (mail,) = _mails(app)
    assert mail["Subject"] == "Your Service Star page"


def test_the_employee_form_stores_the_language(manager_client, branch_a):
    employee = make_employee(branch=branch_a, display_name="Li Lei")
    db.session.commit()
    form = manager_client.get(f"/admin/employees/{employee.id}/edit").get_data(as_text=True)
    assert '<option selected value="en">' in form

    data = {"branch_id": branch_a.id, "display_name": "Li Lei", "locale": "zh_CN"}
    response = manager_client.post(f"/admin/employees/{employee.id}/edit", data=data)

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Employee, employee.id).locale == "zh_CN"


def test_an_unknown_language_is_refused_and_the_typing_kept(manager_client, branch_a):
    employee = make_employee(branch=branch_a, display_name="Li Lei")
    db.session.commit()

    data = {"branch_id": branch_a.id, "display_name": "Li Lei Renamed", "locale": "fr"}
    response = manager_client.post(f"/admin/employees/{employee.id}/edit", data=data)

    assert response.status_code == 400
    assert "Li Lei Renamed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Employee, employee.id).locale is None


def test_the_send_form_says_the_mails_language(manager_client, branch_a):
    employee = make_employee(branch=branch_a, locale="zh_CN")
    db.session.commit()
    page = manager_client.get(f"/admin/employees/{employee.id}").get_data(as_text=True)
    assert "written in the employee's language: 简体中文" in page


def test_when_the_mail_fails_the_new_link_is_shown_instead_of_lost(app, manager_client, branch_a):
    # Nothing listens on port 1 of this machine: the connection is refused at once.
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2)
    employee = make_employee(branch=branch_a)
    db.session.commit()
    old = urlsplit(issue_private_link(employee)).path

    response = manager_client.post(
        f"/admin/employees/{employee.id}/private-link/send", data={"email": "lee@example.com"}
    )

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The mail could not be sent. Hand over this new link instead." in text
    new = urlsplit(_shown_link(response)).path
    assert manager_client.get(new).status_code == 200
    assert manager_client.get(old).status_code == 404
