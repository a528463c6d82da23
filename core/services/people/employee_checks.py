"""Shared employee rules: field checks, duplicate detection and the errors they raise."""

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from core.database import begin_write
from core.extensions import db
from core.models import Branch, Employee
from core.services import DomainError

NAME_MAX = 80
TITLE_MAX = 80
STAFF_NO_MAX = 40
BRANCH_NAME_MAX = 120


class InvalidEmployee(DomainError):
    """A required field is missing or too long."""


class UnknownBranch(DomainError):
    """No branch has this name or id."""


class DuplicateEmployee(DomainError):
    """The branch already has this employee (same staff number, or same name without one)."""


def clean(value: str | None) -> str:
    """Trim surrounding blanks; None becomes empty."""
    return (value or "").strip()


def check_employee_fields(display_name: str, title: str, staff_no: str) -> list[str]:
    """The problems with an employee's fields, as translated sentences (empty when fine)."""
    problems = []
    if not display_name:
        problems.append(_("The name is missing."))
    elif len(display_name) > NAME_MAX:
        problems.append(_("The name is longer than %(max)d characters.", max=NAME_MAX))
    if len(title) > TITLE_MAX:
        problems.append(_("The title is longer than %(max)d characters.", max=TITLE_MAX))
    if len(staff_no) > STAFF_NO_MAX:
        problems.append(_("The staff number is longer than %(max)d characters.", max=STAFF_NO_MAX))
    return problems


def find_existing_employee(branch_id: int, display_name: str, staff_no: str) -> Employee | None:
    """The employee of the branch this one would duplicate.

    Two records are the same person when their staff numbers are equal, or when their
    names are equal (ignoring case) and at least one of them has no staff number.
    Equal names with different staff numbers are two people.
    """
    same_name = func.lower(Employee.display_name) == display_name.lower()
    if staff_no:
        same = or_(Employee.staff_no == staff_no, and_(same_name, Employee.staff_no.is_(None)))
    else:
        same = same_name
    query = select(Employee).where(Employee.branch_id == branch_id, same).order_by(Employee.id)
    return db.session.scalars(query).first()


def branch_named(name: str) -> Branch | None:
    """The branch with this name (case and surrounding blanks ignored, as names are unique so)."""
    return db.session.scalar(select(Branch).where(func.lower(Branch.name) == clean(name).lower()))


def duplicate_message(existing: Employee) -> str:
    """Why an employee cannot be added twice, naming the one already there."""
    return _(
        "%(branch)s already has this employee: %(name)s.",
        branch=existing.branch.name,
        name=existing.display_name,
    )


def checked_locale(locale: str | None) -> str | None:
    """The language chosen for mail to the employee: one of SUPPORTED_LOCALES, or None."""
    if locale and locale not in current_app.config["SUPPORTED_LOCALES"]:
        raise InvalidEmployee(_("Choose one of the languages offered."))
    return locale or None


def checked_employee_fields(
    branch_id: int, display_name: str, title: str, staff_no: str, editing: Employee | None = None
) -> tuple[Branch, str, str, str]:
    """The branch and cleaned fields of an employee to add or edit, in a write transaction.

    Raises InvalidEmployee, UnknownBranch or DuplicateEmployee (another employee of the
    branch is the same person; `editing` is the one being changed, not a duplicate).
    """
    display_name, title, staff_no = clean(display_name), clean(title), clean(staff_no)
    problems = check_employee_fields(display_name, title, staff_no)
    if problems:
        raise InvalidEmployee(" ".join(problems))
    begin_write()
    branch = db.session.get(Branch, branch_id)
    if branch is None:
        raise UnknownBranch(_("This branch does not exist."))
    existing = find_existing_employee(branch.id, display_name, staff_no)
    if existing is not None and existing is not editing:
        raise DuplicateEmployee(duplicate_message(existing))
    return branch, display_name, title, staff_no


def flush_refusing_duplicates() -> None:
    """Flush; a unique key broken by a concurrent request reads as a duplicate, not a crash."""
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise DuplicateEmployee(
            _("Someone added the same employee or branch at the same moment. Please check.")
        ) from error
