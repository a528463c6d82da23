"""CLI: create-admin, employees add|import|list|rotate-card|private-link, seed-demo."""

import re

from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from core.demo.seed import DEMO_ADMIN_EMAIL, DEMO_PEOPLE
from core.extensions import db
from core.models import Branch, Employee, EmployeeIdentity, RetiredCardToken, Role, User
from core.services.people.cards import card_url, readable_card_url
from core.services.people.employees import employee_for_secret
from core.services.ratings.identity import identity_hash
from tests.factories import add_staff_contact, make_branch, make_employee

HEADER = "branch,display_name,title,staff_no\n"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _write(tmp_path, text: str, encoding: str = "utf-8"):
    path = tmp_path / "staff.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_create_admin_makes_an_admin_account(runner):
    result = runner.invoke(
        args=["create-admin", "--email", "Boss@Example.com", "--password", "long enough pw"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.role) == ("boss@example.com", Role.ADMIN)
    assert check_password_hash(user.password_hash, "long enough pw")


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["create-admin", "--email", "a@example.com", "--password", "short"])
    assert result.exit_code == 1
    assert _count(User) == 0


def test_employees_add_prints_the_card_url(runner):
    make_branch(name="Riverside")
    db.session.commit()
    result = runner.invoke(
        args=["employees", "add", "--branch", "Riverside", "--name", "Li Lei", "--title", "Teller"]
    )
    assert result.exit_code == 0, result.output
    employee = db.session.scalar(select(Employee))
    assert (employee.display_name, employee.title) == ("Li Lei", "Teller")
    assert readable_card_url(employee) in result.output
    assert card_url(employee) not in result.output


def test_employees_add_refuses_an_unknown_branch(runner):
    result = runner.invoke(args=["employees", "add", "--branch", "Nowhere", "--name", "Li Lei"])
    assert result.exit_code == 1
    assert "--create-branch" in result.output
    assert _count(Employee) == 0


def test_employees_add_creates_the_branch_when_asked(runner):
    result = runner.invoke(
        args=["employees", "add", "--branch", "Harbour", "--name", "Li Lei", "--create-branch"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Branch.name)) == "Harbour"
    assert _count(Employee) == 1


def test_employees_add_reports_a_duplicate(runner):
    make_employee(branch=make_branch(name="Riverside"), staff_no="S1")
    db.session.commit()
    result = runner.invoke(
        args=["employees", "add", "--branch", "Riverside", "--name", "X", "--staff-no", "S1"]
    )
    assert result.exit_code == 1
    assert "already has this employee" in result.output
    assert _count(Employee) == 1


def test_employees_import_adds_every_row(runner, tmp_path):
    make_branch(name="Riverside")
    db.session.commit()
    path = _write(tmp_path, "\ufeff" + HEADER + "Riverside,王芳,Teller,S1\nRiverside,Li Lei,,\n")
    result = runner.invoke(args=["employees", "import", path])
    assert result.exit_code == 0, result.output
    assert "2 employee(s) imported." in result.output
    assert _count(Employee) == 2


def test_employees_import_reports_every_bad_line_and_imports_nothing(runner, tmp_path):
    make_branch(name="Riverside")
    db.session.commit()
    path = _write(tmp_path, HEADER + "Riverside,Li Lei,,\nNowhere,Wang,,\nRiverside,,,\n")
    result = runner.invoke(args=["employees", "import", path])
    assert result.exit_code == 1
    assert "Line 3: There is no branch named Nowhere." in result.output
    assert "Line 4: The name is missing." in result.output
    assert "Nothing imported: 2 problem(s)" in result.output
    assert _count(Employee) == 0


def test_employees_import_creates_branches_when_asked(runner, tmp_path):
    path = _write(tmp_path, HEADER + "Harbour,Li Lei,,\n")
    result = runner.invoke(args=["employees", "import", path, "--create-branches"])
    assert result.exit_code == 0, result.output
    assert "Branch created: Harbour" in result.output
    assert _count(Employee) == 1


def test_employees_import_refuses_a_file_that_is_not_utf8(runner, tmp_path):
    path = _write(tmp_path, HEADER + "München,Jörg,,\n", encoding="latin-1")
    result = runner.invoke(args=["employees", "import", path])
    assert result.exit_code == 1
    assert "UTF-8" in result.output


def test_employees_list_prints_each_card_url(runner):
    first, second = make_employee(), make_employee(active=False)
    db.session.commit()
    result = runner.invoke(args=["employees", "list"])
    assert result.exit_code == 0, result.output
    assert readable_card_url(first) in result.output
    assert readable_card_url(second) in result.output
    assert "\tinactive\t" in result.output


def test_employees_list_can_show_one_branch(runner):
    mine = make_employee(branch=make_branch(name="Riverside"))
    other = make_employee()
    db.session.commit()
    result = runner.invoke(args=["employees", "list", "--branch", "riverside"])
    assert readable_card_url(mine) in result.output
    assert readable_card_url(other) not in result.output


def test_employees_rotate_card_retires_the_old_token(runner):
    employee = make_employee()
    old = employee.card_token
    db.session.commit()
    result = runner.invoke(args=["employees", "rotate-card", str(employee.id)])
    assert result.exit_code == 0, result.output
    assert db.session.get(RetiredCardToken, old) is not None
    assert readable_card_url(db.session.get(Employee, employee.id)) in result.output


def test_employees_rotate_card_of_an_unknown_id_fails(runner):
    result = runner.invoke(args=["employees", "rotate-card", "99"])
    assert result.exit_code == 1
    assert "No employee has the id 99" in result.output


def test_employees_private_link_prints_a_working_link(runner):
    employee = make_employee()
    db.session.commit()
    result = runner.invoke(args=["employees", "private-link", str(employee.id)])
    assert result.exit_code == 0, result.output
    secret = re.search(r"/me/(\S+)", result.output).group(1)
    assert employee_for_secret(secret) == employee


def _demo_rows() -> tuple[int, int, int]:
    """How many demo branches, demo employees and demo admins exist (other areas add more)."""
    branches = select(func.count()).where(Branch.name.in_(DEMO_PEOPLE))
    staff_numbers = [person[0] for people in DEMO_PEOPLE.values() for person in people]
    employees = select(func.count()).where(Employee.staff_no.in_(staff_numbers))
    admins = select(func.count()).where(User.email == DEMO_ADMIN_EMAIL)
    return tuple(db.session.scalar(query) for query in (branches, employees, admins))


def test_seed_demo_creates_branches_employees_and_an_admin(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert _demo_rows() == (2, 6, 1)
    password = re.search(r"admin@example\.com / (\S+)", result.output).group(1)
    admin = db.session.scalar(select(User).where(User.email == DEMO_ADMIN_EMAIL))
    assert admin.role is Role.ADMIN
    assert check_password_hash(admin.password_hash, password)


def test_seed_demo_prints_a_card_url_and_a_working_private_link(runner):
    result = runner.invoke(args=["seed-demo"])
    urls = {readable_card_url(e) for e in db.session.scalars(select(Employee))}
    printed = re.search(r"Try a card:\s+(\S+)", result.output).group(1)
    assert printed in urls
    secret = re.search(r"/me/(\S+)", result.output).group(1)
    assert employee_for_secret(secret) is not None


def test_seed_demo_if_empty_does_nothing_when_employees_exist(runner):
    make_employee()
    db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "demo data not added" in result.output
    assert _count(Employee) == 1
    assert _count(User) == 0


def test_seed_demo_twice_does_not_double_anything(runner):
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "password unchanged" in result.output
    assert _demo_rows() == (2, 6, 1)


def _contact_hashes() -> set[str]:
    return set(db.session.scalars(select(EmployeeIdentity.identity_hash)))


def test_employees_add_records_own_contacts_as_hashes(runner):
    make_branch(name="Riverside")
    db.session.commit()
    result = runner.invoke(
        args=["employees", "add", "--branch", "Riverside", "--name", "Li Lei",
              "--email", "li@example.com", "--phone", "138 1234 5678", "--phone", "13912345678"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _contact_hashes() == {
        identity_hash("email", "li@example.com"),
        identity_hash("phone", "+8613812345678"),
        identity_hash("phone", "+8613912345678"),
    }


def test_employees_add_refuses_an_invalid_phone(runner):
    make_branch(name="Riverside")
    db.session.commit()
    result = runner.invoke(
        args=["employees", "add", "--branch", "Riverside", "--name", "Li Lei", "--phone", "12345"]
    )
    assert result.exit_code == 1
    assert "12345: Enter a valid mobile number." in result.output
    assert _count(Employee) == 0


def test_employees_import_reads_contact_columns(runner, tmp_path):
    make_branch(name="Riverside")
    db.session.commit()
    text = (
        "branch,display_name,title,staff_no,emails,phones\n"
        "Riverside,Li Lei,,,li@example.com;lei@example.com,13812345678\n"
        "Riverside,Wang Fang,,,,\n"
    )
    result = runner.invoke(args=["employees", "import", _write(tmp_path, text)])
    assert result.exit_code == 0, result.output
    assert _contact_hashes() == {
        identity_hash("email", "li@example.com"),
        identity_hash("email", "lei@example.com"),
        identity_hash("phone", "+8613812345678"),
    }


def test_employees_import_refuses_bad_and_shared_contacts(runner, tmp_path):
    other = make_employee(branch=make_branch(name="Riverside"))
    add_staff_contact(other, "email", "taken@example.com")
    db.session.commit()
    text = (
        "branch,display_name,title,staff_no,emails,phones\n"
        "Riverside,Li Lei,,,,12345\n"
        "Riverside,Wang Fang,,,taken@example.com,13812345678\n"
        "Riverside,Zhao Min,,,,+86 138 1234 5678\n"
    )
    result = runner.invoke(args=["employees", "import", _write(tmp_path, text)])
    assert result.exit_code == 1
    assert "Line 2: 12345: Enter a valid mobile number." in result.output
    assert "Line 3: t•••@example.com already belongs to another employee." in result.output
    assert "Line 4: +86 •••• 5678 is already on line 3." in result.output
    assert _count(Employee) == 1
