"""Admin: names keep no direction controls, and every name shows isolated on the pages."""

from sqlalchemy import select

from core.extensions import db
from core.models import Branch, Employee
from core.text import FSI, PDI
from tests.factories import make_employee

RLO, PDF = "\u202e", "\u202c"
ARABIC = "محمد 123 علي"


def test_the_employee_form_stores_names_without_direction_controls(admin_client, branch_a):
    db.session.commit()
    response = admin_client.post(
        "/admin/employees/new",
        data={"branch_id": branch_a.id, "display_name": f"{RLO}{ARABIC}{PDF}", "title": RLO},
    )
    assert response.status_code == 302
    employee = db.session.scalar(select(Employee))
    assert (employee.display_name, employee.title) == (ARABIC, "")


def test_the_branch_form_stores_the_name_without_direction_controls(admin_client):
    response = admin_client.post("/admin/branches/new", data={"name": f"{RLO}Riverside{PDF}"})
    assert response.status_code == 302
    assert db.session.scalar(select(Branch.name)) == "Riverside"


def test_names_are_isolated_in_lists_titles_and_drop_downs(admin_client, branch_a):
    employee = make_employee(display_name=ARABIC, branch=branch_a)
    db.session.commit()

    listing = admin_client.get("/admin/employees").get_data(as_text=True)
    detail = admin_client.get(f"/admin/employees/{employee.id}").get_data(as_text=True)
    feedback = admin_client.get("/admin/feedback").get_data(as_text=True)

    assert f"<bdi>{ARABIC}</bdi>" in listing
    assert f"<title>{FSI}{ARABIC}{PDI} · " in detail
    assert f">{FSI}{ARABIC} · Branch A{PDI}</option>" in feedback
    assert f">{FSI}Branch A{PDI}</option>" in feedback


def test_a_page_with_several_forms_repeats_no_csrf_id(make_app, login_as):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tests.factories import make_user

        admin = make_user()
        employee = make_employee()
        db.session.commit()
        client = app.test_client()
        page = client.get("/admin/login").get_data(as_text=True)
        assert 'id="csrf_token"' not in page
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/admin/login",
            data={"email": admin.email, "password": "correct horse battery", "csrf_token": token},
        )
        detail = client.get(f"/admin/employees/{employee.id}").get_data(as_text=True)
    assert detail.count('name="csrf_token"') > 1
    assert 'id="csrf_token"' not in detail
