"""Access rules: sign-in everywhere, roles, and no manager reaching another branch by id."""

import pytest
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from admin.access import visible_branch_ids
from core import create_app
from core.extensions import db
from core.models import ReceiptCode, Role
from tests.admin.conftest import NOT_BRANCH_SCOPED, ROUTE_EXAMPLES, make_followup
from tests.conftest import BASE_CONFIG
from tests.factories import make_branch, make_employee, make_user


def _admin_rules():
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]


ADMIN_RULES = _admin_rules()
ID_ENDPOINTS = sorted(
    {
        rule.endpoint
        for rule in ADMIN_RULES
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    }
)
PUBLIC = {"admin.login"}


def _url(rule, values=None):
    defaults = {name: 1 for name in rule.arguments}
    defaults.update({k: v for k, v in (values or {}).items() if k in rule.arguments})
    if "decision" in rule.arguments and "decision" not in (values or {}):
        defaults["decision"] = "confirm"
    return rule.build(defaults)[1]


def test_every_admin_route_with_an_id_has_an_example():
    missing = [e for e in ID_ENDPOINTS if e not in ROUTE_EXAMPLES and e not in NOT_BRANCH_SCOPED]
    assert not missing, (
        f"add these endpoints to ROUTE_EXAMPLES in tests/admin/conftest.py: {missing}"
    )


@pytest.mark.parametrize("rule", [r for r in ADMIN_RULES if r.endpoint not in PUBLIC], ids=str)
def test_every_admin_page_needs_sign_in(client, rule):
    for method in sorted(rule.methods & {"GET", "POST"}):
        response = client.open(_url(rule), method=method)
        assert response.status_code == 302, (rule.endpoint, method)
        assert response.headers["Location"].startswith("/admin/login")


@pytest.mark.parametrize("endpoint", [e for e in ID_ENDPOINTS if e in ROUTE_EXAMPLES])
def test_manager_cannot_reach_another_branch_by_id(manager_client, branch_b, endpoint):
    values = ROUTE_EXAMPLES[endpoint](branch_b)
    db.session.commit()
    for rule in (r for r in ADMIN_RULES if r.endpoint == endpoint):
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = manager_client.open(_url(rule, values), method=method)
            assert response.status_code in (403, 404), (endpoint, method, response.status_code)


def test_manager_reaches_own_branch_records(manager_client, branch_a):
    values = ROUTE_EXAMPLES["admin.employee_detail"](branch_a)
    db.session.commit()
    assert manager_client.get(f"/admin/employees/{values['employee_id']}").status_code == 200


@pytest.mark.parametrize("path", ["/admin/users", "/admin/branches", "/admin/audit"])
def test_admin_only_pages_refuse_managers(manager_client, path):
    assert manager_client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/admin/feedback", "/admin/employees", "/admin/followups"])
def test_judges_see_no_branch_pages(client, login_as, path):
    judge = make_user(Role.JUDGE)
    login_as(judge)
    assert client.get(path).status_code == 403


def test_visible_branch_ids_by_role(app):
    a, b = make_branch(), make_branch()
    assert visible_branch_ids(make_user(Role.ADMIN)) is None
    assert visible_branch_ids(make_user(Role.MANAGER, branches=[a, b])) == {a.id, b.id}
    assert visible_branch_ids(make_user(Role.JUDGE)) == set()


def test_state_changing_posts_need_a_csrf_token(csrf_admin):
    branch = make_branch(name="Kept")
    employee = make_employee(branch=branch)
    task = make_followup(branch)
    manager = make_user(Role.MANAGER)
    db.session.commit()
    posts = [
        ("/admin/branches/new", {"name": "No token"}),
        (f"/admin/branches/{branch.id}/active", {}),
        ("/admin/users/new", {"email": "x@example.com", "password": "long enough password"}),
        (f"/admin/users/{manager.id}/active", {}),
        (f"/admin/employees/{employee.id}/active", {}),
        (f"/admin/employees/{employee.id}/card/rotate", {}),
        (f"/admin/followups/{task.id}", {"state": "resolved", "note": "x"}),
        ("/admin/receipt-codes", {"branch_id": branch.id, "employee_id": 0, "count": 2}),
    ]
    for url, data in posts:
        assert csrf_admin.post(url, data=data).status_code == 400, url
    db.session.expire_all()
    assert branch.active and employee.active and manager.active
    assert task.state.value == "open"
    assert db.session.scalar(select(func.count(ReceiptCode.id))) == 0


def test_admin_forms_carry_a_csrf_token(csrf_admin):
    branch = make_branch()
    employee = make_employee(branch=branch)
    task = make_followup(branch)
    db.session.commit()
    pages = [
        "/admin/branches/new",
        "/admin/users/new",
        f"/admin/employees/{employee.id}",
        f"/admin/followups/{task.id}",
        "/admin/employees/new",
        "/admin/employees/import",
        "/admin/receipt-codes",
    ]
    for url in pages:
        page = csrf_admin.get(url).get_data(as_text=True)
        assert page.count('<form method="post"') <= page.count('name="csrf_token"'), url
