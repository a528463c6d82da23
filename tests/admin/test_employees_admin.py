"""Employees: list, create, edit, deactivate, import, export, photo, card, private link."""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEntry, Employee, RetiredCardToken
from core.services.people.employees import employee_for_secret
from core.services.people.photos import photos_dir
from tests.factories import make_branch, make_employee


def _image(fmt="PNG", size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def test_list_is_filtered_by_branch_and_paged(manager_client, branch_a, branch_b):
    mine = [make_employee(branch=branch_a, display_name=f"Mine {n:02d}") for n in range(55)]
    make_employee(branch=branch_b, display_name="Theirs")
    db.session.commit()
    first = manager_client.get("/admin/employees")
    assert first.status_code == 200
    assert b"Mine 00" in first.data and b"Theirs" not in first.data
    assert b"Mine 54" not in first.data
    assert b"Mine 54" in manager_client.get("/admin/employees?page=2").data
    assert len(mine) == 55


def test_list_search_by_name(admin_client, branch_a):
    make_employee(branch=branch_a, display_name="Wang Fang")
    make_employee(branch=branch_a, display_name="Li Lei")
    db.session.commit()
    response = admin_client.get("/admin/employees?q=wang")
    assert b"Wang Fang" in response.data and b"Li Lei" not in response.data


def test_manager_adds_an_employee_to_own_branch(manager_client, branch_a):
    response = manager_client.post(
        "/admin/employees/new",
        data={"branch_id": branch_a.id, "display_name": "Zhang Wei", "title": "Teller"},
    )
    assert response.status_code == 302
    employee = db.session.scalar(select(Employee).where(Employee.display_name == "Zhang Wei"))
    assert employee.branch_id == branch_a.id and len(employee.card_token) == 16
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "employee.add"))


def test_manager_cannot_add_to_another_branch(manager_client, branch_b):
    response = manager_client.post(
        "/admin/employees/new", data={"branch_id": branch_b.id, "display_name": "Intruder"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(Employee).where(Employee.display_name == "Intruder")) is None


@pytest.mark.parametrize(
    ("name", "message"), [("", b"This field is required"), ("x" * 81, b"80"), ("Dup", b"already")]
)
def test_bad_employee_input_is_refused(admin_client, branch_a, name, message):
    make_employee(branch=branch_a, display_name="Dup")
    db.session.commit()
    response = admin_client.post(
        "/admin/employees/new",
        data={"branch_id": branch_a.id, "display_name": name, "title": "Kept title"},
    )
    assert response.status_code == 400
    assert message in response.data and b"Kept title" in response.data


def test_edit_an_employee_is_audited(admin_client, branch_a, branch_b):
    employee = make_employee(branch=branch_a, display_name="Old")
    db.session.commit()
    response = admin_client.post(
        f"/admin/employees/{employee.id}/edit",
        data={"branch_id": branch_b.id, "display_name": "New", "title": "Lead", "staff_no": "7"},
    )
    assert response.status_code == 302
    db.session.refresh(employee)
    assert (employee.display_name, employee.branch_id, employee.staff_no) == (
        "New",
        branch_b.id,
        "7",
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "employee.update"))
    assert entry.before["display_name"] == "Old" and entry.after["display_name"] == "New"


def test_deactivate_an_employee(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    db.session.commit()
    manager_client.post(f"/admin/employees/{employee.id}/active")
    db.session.refresh(employee)
    assert employee.active is False


def test_rotate_card_retires_the_old_token(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    db.session.commit()
    old = employee.card_token
    assert manager_client.post(f"/admin/employees/{employee.id}/card/rotate").status_code == 302
    db.session.refresh(employee)
    assert employee.card_token != old
    assert db.session.get(RetiredCardToken, old) is not None


def test_private_link_is_shown_once_and_works(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    db.session.commit()
    response = manager_client.post(f"/admin/employees/{employee.id}/private-link")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    link = page.split('class="secret-link">')[1].split("<")[0]
    secret = link.rsplit("/me/", 1)[1]
    assert employee_for_secret(secret).id == employee.id
    assert secret not in manager_client.get(f"/admin/employees/{employee.id}").get_data(
        as_text=True
    )


def test_send_private_link_with_a_bad_address_is_refused(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    db.session.commit()
    response = manager_client.post(
        f"/admin/employees/{employee.id}/private-link/send", data={"email": "nope"}
    )
    assert response.status_code == 400
    db.session.refresh(employee)
    assert employee.page_token_hash is None


def test_send_private_link_failure_is_a_message(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    db.session.commit()
    response = manager_client.post(
        f"/admin/employees/{employee.id}/private-link/send",
        data={"email": "staff@example.com"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert b'class="flash flash-error"' in response.data


def test_send_private_link_emails_it(manager_client, branch_a, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "core.services.people.employee_profile.send_mail",
        lambda to, subject, body: sent.append((to, body)),
    )
    employee = make_employee(branch=branch_a)
    db.session.commit()
    response = manager_client.post(
        f"/admin/employees/{employee.id}/private-link/send", data={"email": "staff@example.com"}
    )
    assert response.status_code == 302
    ((to, body),) = sent
    secret = body.split("/me/")[1].split()[0]
    assert to == "staff@example.com" and employee_for_secret(secret).id == employee.id


def test_photo_is_reencoded_as_a_square_jpeg(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    db.session.commit()
    response = manager_client.post(
        f"/admin/employees/{employee.id}/photo",
        data={"photo": (io.BytesIO(_image()), "me.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(employee)
    stored = photos_dir() / employee.photo
    with Image.open(stored) as image:
        assert (image.format, image.size) == ("JPEG", (512, 512))
    with manager_client.get(f"/admin/employees/{employee.id}/photo.jpg") as served:
        assert served.status_code == 200 and served.mimetype == "image/jpeg"


@pytest.mark.parametrize(
    "payload",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        b"GIF89a not really",
        b"\x89PNG\r\n\x1a\n truncated",
        "gif",
        "huge",
    ],
)
def test_bad_photos_are_refused_with_a_message(manager_client, branch_a, payload):
    if payload == "gif":
        payload = _image("GIF")
    elif payload == "huge":
        payload = _image("PNG", (7000, 10))
    employee = make_employee(branch=branch_a)
    db.session.commit()
    response = manager_client.post(
        f"/admin/employees/{employee.id}/photo",
        data={"photo": (io.BytesIO(payload), "photo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert b'class="error"' in response.data
    db.session.refresh(employee)
    assert employee.photo is None


def _upload_csv(client, text, **extra):
    return client.post(
        "/admin/employees/import",
        data={"file": (io.BytesIO(text.encode("utf-8-sig")), "staff.csv"), **extra},
        content_type="multipart/form-data",
    )


def test_import_adds_every_row(admin_client, branch_a):
    db.session.commit()
    text = "branch,display_name,title,staff_no\nBranch A,Wang Fang,Teller,1\nBranch A,李雷,,2\n"
    response = _upload_csv(admin_client, text)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Employee.id))) == 2


def test_import_with_a_bad_line_imports_nothing(admin_client, branch_a):
    db.session.commit()
    text = "branch,display_name,title,staff_no\nBranch A,Good,,1\nNowhere,Bad,,2\n"
    response = _upload_csv(admin_client, text)
    assert response.status_code == 400
    assert b"Line 3" in response.data
    assert db.session.scalar(select(func.count(Employee.id))) == 0


def test_import_is_for_admins_only(manager_client):
    assert manager_client.get("/admin/employees/import").status_code == 403


def test_export_is_formula_safe_utf8_with_bom(admin_client, branch_a):
    make_employee(branch=branch_a, display_name='=HYPERLINK("http://x")', title="@SUM(A1)")
    make_employee(branch=branch_a, display_name="王芳", title="-2+3")
    db.session.commit()
    response = admin_client.get("/admin/employees/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    text = response.data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'-2+3" in text and "王芳" in text
    assert ",=" not in text and "\n=" not in text


def test_export_shows_only_the_managers_branches(manager_client, branch_a, branch_b):
    make_employee(branch=branch_a, display_name="Mine")
    make_employee(branch=branch_b, display_name="Theirs")
    db.session.commit()
    text = manager_client.get("/admin/employees/export.csv").data.decode("utf-8-sig")
    assert "Mine" in text and "Theirs" not in text


def test_branch_card_sheet_lists_active_employees(manager_client, branch_a):
    make_employee(branch=branch_a, display_name="On duty")
    make_employee(branch=branch_a, display_name="Gone", active=False)
    db.session.commit()
    response = manager_client.get(f"/admin/branches/{branch_a.id}/cards")
    assert response.status_code == 200
    assert b"On duty" in response.data and b"Gone" not in response.data


def test_csrf_is_required_for_employee_forms(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from core.models import Role
        from tests.factories import make_user

        admin = make_user(Role.ADMIN)
        branch = make_branch()
        db.session.commit()
        client = app.test_client()
        page = client.get("/admin/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/admin/login", data={"email": admin.email,
                    "password": "correct horse battery", "csrf_token": token})  # fmt: skip
        form = client.get("/admin/employees/new").get_data(as_text=True)
        assert 'name="csrf_token"' in form
        response = client.post(
            "/admin/employees/new", data={"branch_id": branch.id, "display_name": "No token"}
        )
        assert response.status_code == 400
        assert db.session.scalar(select(func.count(Employee.id))) == 0


def test_detail_shows_the_card_url_in_lower_case(manager_client, branch_a):
    employee = make_employee(branch=branch_a)
    db.session.commit()
    html = manager_client.get(f"/admin/employees/{employee.id}").get_data(as_text=True)
    assert f"/c/{employee.card_token.lower()}</p>" in html
    assert employee.card_token not in html.replace(f"/C/{employee.card_token}.", "")
