"""Adding and importing employees, card rotation and private links."""

import threading

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEntry, Branch, Employee, RetiredCardToken
from core.services.people.employees import (
    DuplicateEmployee,
    InvalidEmployee,
    UnknownBranch,
    add_employee,
    decode_csv,
    employee_for_secret,
    flush_refusing_duplicates,
    import_employees_csv,
    issue_private_link,
    revoke_private_link,
    rotate_card_token,
    set_employee_active,
)
from core.services.tokens import sha256_hex
from tests.factories import make_branch, make_employee


@pytest.fixture
def app(make_app):
    """The app inside a request: services translate their messages, which needs a locale."""
    app = make_app()
    with app.test_request_context():
        yield app


HEADER = "branch,display_name,title,staff_no\n"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _secret_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


# --- adding ---------------------------------------------------------------------------


def test_add_employee_gives_a_card_token_and_audits(app):
    branch = make_branch()
    db.session.commit()
    employee = add_employee(branch.id, "  Li Lei ", title="Teller", staff_no="S1")
    assert (employee.display_name, employee.title, employee.staff_no) == ("Li Lei", "Teller", "S1")
    assert len(employee.card_token) == 16
    assert db.session.scalar(select(AuditEntry.action)) == "employee.add"


def test_add_employee_stores_a_blank_staff_number_as_none(app):
    branch = make_branch()
    db.session.commit()
    assert add_employee(branch.id, "Li Lei", staff_no="  ").staff_no is None


def test_add_employee_refuses_the_same_staff_number_in_a_branch(app):
    branch = make_branch()
    make_employee(branch=branch, staff_no="S1")
    db.session.commit()
    with pytest.raises(DuplicateEmployee):
        add_employee(branch.id, "Someone Else", staff_no="S1")


def test_add_employee_refuses_the_same_name_without_staff_number(app):
    branch = make_branch()
    make_employee(branch=branch, display_name="Li Lei")
    db.session.commit()
    with pytest.raises(DuplicateEmployee):
        add_employee(branch.id, "li lei")


def test_add_employee_without_staff_number_refuses_a_same_named_one_with_a_number(app):
    branch = make_branch()
    make_employee(branch=branch, display_name="Li Lei", staff_no="S1")
    db.session.commit()
    with pytest.raises(DuplicateEmployee):
        add_employee(branch.id, "Li Lei")


def test_add_employee_allows_the_same_name_with_another_staff_number(app):
    branch = make_branch()
    make_employee(branch=branch, display_name="Li Lei", staff_no="S1")
    db.session.commit()
    assert add_employee(branch.id, "Li Lei", staff_no="S2").staff_no == "S2"


def test_add_employee_allows_the_same_name_in_another_branch(app):
    make_employee(display_name="Li Lei")
    other = make_branch()
    db.session.commit()
    assert add_employee(other.id, "Li Lei").branch_id == other.id


@pytest.mark.parametrize(
    ("name", "title", "staff_no"),
    [("", "", ""), ("   ", "", ""), ("x" * 81, "", ""), ("Li", "t" * 81, ""), ("Li", "", "9" * 41)],
)
def test_add_employee_refuses_bad_fields(app, name, title, staff_no):
    branch = make_branch()
    db.session.commit()
    with pytest.raises(InvalidEmployee):
        add_employee(branch.id, name, title=title, staff_no=staff_no)
    assert _count(Employee) == 0


def test_add_employee_refuses_an_unknown_branch(app):
    with pytest.raises(UnknownBranch):
        add_employee(999, "Li Lei")


def test_a_duplicate_that_slipped_past_the_check_is_refused_by_the_database(app):
    # As when two requests add the same staff number at the same moment.
    employee = make_employee(staff_no="S1")
    db.session.add(
        Employee(branch_id=employee.branch_id, display_name="Twin", staff_no="S1", card_token="X")
    )
    with pytest.raises(DuplicateEmployee):
        flush_refusing_duplicates()
    assert _count(Employee) == 0


def test_deactivating_an_employee_is_audited(app):
    employee = make_employee()
    db.session.commit()
    set_employee_active(employee, False)
    assert db.session.get(Employee, employee.id).active is False
    assert db.session.scalar(select(AuditEntry.action)) == "employee.deactivate"


# --- card rotation --------------------------------------------------------------------


def test_rotation_keeps_the_old_token_as_retired(app):
    employee = make_employee()
    old = employee.card_token
    db.session.commit()
    new = rotate_card_token(employee)
    retired = db.session.get(RetiredCardToken, old)
    assert retired.employee_id == employee.id
    assert db.session.get(Employee, employee.id).card_token == new != old


def test_two_rotations_at_once_both_succeed(app):
    employee_id = make_employee().id
    db.session.commit()
    start = threading.Barrier(2)
    errors = []

    def rotate():
        with app.app_context():
            try:
                start.wait(timeout=10)
                rotate_card_token(db.session.get(Employee, employee_id))
            except Exception as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=rotate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert _count(RetiredCardToken) == 2


def test_rotation_audit_does_not_reveal_the_new_token(app):
    employee = make_employee()
    db.session.commit()
    new = rotate_card_token(employee)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "employee.rotate_card"))
    assert new not in str(entry.before) + str(entry.after)


# --- private links --------------------------------------------------------------------


def test_private_link_is_a_url_under_the_public_base(app):
    employee = make_employee()
    db.session.commit()
    link = issue_private_link(employee)
    assert link.startswith(app.config["PUBLIC_BASE_URL"] + "/me/")
    assert employee_for_secret(_secret_of(link)) == employee


def test_private_link_stores_only_the_hash_of_its_secret(app):
    employee = make_employee()
    db.session.commit()
    secret = _secret_of(issue_private_link(employee))
    stored = db.session.get(Employee, employee.id).page_token_hash
    assert stored == sha256_hex(secret)
    assert secret not in stored


def test_a_new_private_link_revokes_the_previous(app):
    employee = make_employee()
    db.session.commit()
    first = _secret_of(issue_private_link(employee))
    second = _secret_of(issue_private_link(employee))
    assert employee_for_secret(first) is None
    assert employee_for_secret(second) == employee


def test_revoked_private_link_finds_nobody(app):
    employee = make_employee()
    db.session.commit()
    secret = _secret_of(issue_private_link(employee))
    revoke_private_link(employee)
    assert employee_for_secret(secret) is None


def test_private_link_of_an_inactive_employee_finds_nobody(app):
    employee = make_employee()
    db.session.commit()
    secret = _secret_of(issue_private_link(employee))
    set_employee_active(employee, False)
    assert employee_for_secret(secret) is None


@pytest.mark.parametrize("secret", [None, "", "x", "a" * 500])
def test_wrong_secrets_find_nobody(app, secret):
    make_employee(page_token_hash=sha256_hex("a" * 500))
    assert employee_for_secret(secret) is None


# --- CSV import -----------------------------------------------------------------------


def test_import_adds_every_row(app):
    make_branch(name="Riverside")
    db.session.commit()
    report = import_employees_csv(HEADER + "Riverside,Li Lei,Teller,S1\nRiverside,王芳,顾问,\n")
    assert report.ok
    names = db.session.scalars(select(Employee.display_name).order_by(Employee.id)).all()
    assert names == ["Li Lei", "王芳"]
    assert all(len(e.card_token) == 16 for e in report.employees)


def test_import_reads_utf8_with_a_byte_order_mark(app):
    make_branch(name="Riverside")
    db.session.commit()
    text = decode_csv(("\ufeff" + HEADER + "Riverside,王芳,顾问,S1\n").encode("utf-8"))
    assert import_employees_csv(text).ok
    assert db.session.scalar(select(Employee.display_name)) == "王芳"


def test_import_accepts_columns_in_any_order_and_case(app):
    make_branch(name="Riverside")
    db.session.commit()
    report = import_employees_csv(" Display_Name ,Branch\nLi Lei,riverside\n")
    assert report.ok
    assert db.session.scalar(select(Employee.title)) == ""


def test_import_skips_blank_lines(app):
    make_branch(name="Riverside")
    db.session.commit()
    assert import_employees_csv(HEADER + "\nRiverside,Li Lei,,\n,,,\n").ok
    assert _count(Employee) == 1


def test_import_creates_missing_branches_only_when_asked(app):
    report = import_employees_csv(
        HEADER + "Harbour,Li Lei,,\nharbour,Wang Fang,,\n", create_branches=True
    )
    assert report.ok
    assert report.branches_created == ["Harbour"]
    assert db.session.scalars(select(Branch.name)).all() == ["Harbour"]
    assert _count(Employee) == 2


def test_import_rejects_text_that_is_not_utf8(app):
    with pytest.raises(InvalidEmployee):
        decode_csv("branch,display_name\nMünchen,Jörg\n".encode("latin-1"))


BAD_FILES = [
    pytest.param("", [(1, "header row")], id="empty file"),
    pytest.param("name,branch\nLi,Riverside\n", [(1, "header row")], id="wrong header"),
    pytest.param(HEADER + "Riverside,Li,,,extra\n", [(2, "too many")], id="extra value"),
    pytest.param(HEADER, [(1, "no employees")], id="header only"),
    pytest.param(HEADER + "Riverside,,Teller,S1\n", [(2, "name is missing")], id="no name"),
    pytest.param(HEADER + ",Li Lei,,\n", [(2, "branch is missing")], id="no branch"),
    pytest.param(HEADER + "Nowhere,Li Lei,,\n", [(2, "no branch named Nowhere")], id="unknown"),
    pytest.param(HEADER + f"Riverside,{'x' * 81},,\n", [(2, "longer than 80")], id="long name"),
    pytest.param(
        HEADER + "Riverside,Li Lei,,S9\nRiverside,Lee Lei,,S9\n",
        [(3, "already on line 2")],
        id="staff number twice in file",
    ),
    pytest.param(
        HEADER + "Riverside,Li Lei,,\nRiverside,LI LEI,,\n",
        [(3, "already on line 2")],
        id="name twice in file",
    ),
    pytest.param(
        HEADER + "Riverside,Somebody,,S1\n",
        [(2, "Riverside already has this employee: Existing.")],
        id="staff number in database",
    ),
    pytest.param(
        HEADER + "Riverside,wang fang,,\n",
        [(2, "Riverside already has this employee: Wang Fang.")],
        id="name in database",
    ),
    pytest.param(
        HEADER + "Riverside,Li Lei,,S9\nRiverside,li lei,,\n",
        [(3, "already on line 2")],
        id="same name once without staff number in file",
    ),
    pytest.param(
        HEADER + "Riverside,existing,,\n",
        [(2, "Riverside already has this employee: Existing.")],
        id="name in database, which has a staff number",
    ),
    pytest.param(
        HEADER + "Riverside,Wang Fang,,S7\n",
        [(2, "Riverside already has this employee: Wang Fang.")],
        id="name in database without staff number",
    ),
    pytest.param(
        HEADER + "Riverside,Good One,,\nNowhere,,,\n",
        [(3, "name is missing"), (3, "no branch named Nowhere")],
        id="several problems on one line",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES)
def test_import_reports_each_problem_with_its_line_and_imports_nothing(app, text, expected):
    branch = make_branch(name="Riverside")
    make_employee(branch=branch, display_name="Existing", staff_no="S1")
    make_employee(branch=branch, display_name="Wang Fang")
    db.session.commit()
    report = import_employees_csv(text)
    found = [(problem.line, problem.message) for problem in report.problems]
    assert len(found) == len(expected), found
    for (line, message), (expected_line, fragment) in zip(found, expected, strict=True):
        assert line == expected_line
        assert fragment in message
    assert _count(Employee) == 2
    assert report.employees == []


def test_import_takes_equal_names_with_different_staff_numbers_as_two_people(app):
    branch = make_branch(name="Riverside")
    make_employee(branch=branch, display_name="Li Lei", staff_no="S1")
    db.session.commit()
    report = import_employees_csv(HEADER + "Riverside,Li Lei,,S2\nRiverside,Li Lei,,S3\n")
    assert report.ok
    assert _count(Employee) == 3


def test_import_of_a_file_with_one_bad_row_imports_none_of_the_good_rows(app):
    make_branch(name="Riverside")
    db.session.commit()
    report = import_employees_csv(HEADER + "Riverside,Li Lei,,\nRiverside,,,S2\n")
    assert [problem.line for problem in report.problems] == [3]
    assert _count(Employee) == 0


def test_import_does_not_create_branches_when_a_row_is_bad(app):
    report = import_employees_csv(HEADER + "Harbour,Li Lei,,\nHarbour,,,\n", create_branches=True)
    assert not report.ok
    assert _count(Branch) == 0


def test_import_problem_reads_as_a_sentence_with_its_line(app):
    report = import_employees_csv(HEADER + ",Li Lei,,\n")
    assert str(report.problems[0]) == "Line 2: The branch is missing."
