"""Employees: adding them, their card tokens and their private page links.

The field rules live in core.services.people.employee_checks and the CSV import in
core.services.people.employee_import; both are re-exported here, the one place to import from.
"""

from sqlalchemy import select

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import Employee, RetiredCardToken, User
from core.services.audit import record_audit, record_change, record_created
from core.services.people.employee_checks import (  # noqa: F401  (re-exported)
    DuplicateEmployee,
    InvalidEmployee,
    UnknownBranch,
    branch_named,
    check_employee_fields,
    checked_employee_fields,
    checked_locale,
    clean,
    duplicate_message,
    find_existing_employee,
    flush_refusing_duplicates,
)
from core.services.people.employee_identities import (
    apply_contacts,
    contact_hints,
    parse_contacts,
    refuse_taken,
)
from core.services.people.employee_import import (  # noqa: F401  (re-exported)
    CONTACT_COLUMNS,
    CSV_COLUMNS,
    ImportProblem,
    ImportReport,
    decode_csv,
    import_employees_csv,
)
from core.services.tokens import card_token, sha256_hex, url_secret
from core.text import clean_name
from core.urls import public_url

# Private link secrets are 43 characters; anything much longer is not worth hashing.
SECRET_MAX = 128


def add_employee(
    branch_id: int,
    display_name: str,
    title: str = "",
    staff_no: str | None = None,
    actor: User | None = None,
    emails: str = "",
    phones: str = "",
    locale: str | None = None,
) -> Employee:
    """Add an employee with a fresh card token and their own contacts, refusing duplicates.

    `emails` and `phones`: the employee's work emails and mobiles, one per line (or ";");
    `locale`: the language of mail to them (None: the site default).
    """
    contacts = parse_contacts(emails, phones)
    locale = checked_locale(locale)
    begin_write()
    branch, display_name, title, staff_no = checked_employee_fields(
        branch_id, clean_name(display_name), clean_name(title), staff_no
    )
    refuse_taken(contacts, None)
    employee = Employee(
        branch=branch,
        display_name=display_name,
        title=title,
        staff_no=staff_no or None,
        card_token=card_token(),
        locale=locale,
    )
    apply_contacts(employee, contacts)
    db.session.add(employee)
    flush_refusing_duplicates()
    record_created(
        "employee.add", employee, user=actor, after={"contacts": contact_hints(employee)}
    )
    db.session.commit()
    return employee


def set_employee_active(employee: Employee, active: bool, actor: User | None = None) -> None:
    """Activate or deactivate an employee; an inactive employee's card says so when scanned."""
    begin_write()
    employee.active = active
    record_change("employee.activate" if active else "employee.deactivate", employee, user=actor)
    db.session.commit()


def rotate_card_token(employee: Employee, actor: User | None = None) -> str:
    """Give the employee a new card token (card lost); the old card then reads as retired."""
    # Two rotations at once must not both retire the same token.
    employee = write_locked(Employee, employee.id)
    old_token = employee.card_token
    db.session.add(RetiredCardToken(token=old_token, employee_id=employee.id))
    employee.card_token = card_token()
    # The audit log must not become a list of valid tokens: record only the retired one.
    record_audit(
        "employee.rotate_card",
        "employee",
        employee.id,
        before={"card_token": old_token},
        user=actor,
    )
    db.session.commit()
    return employee.card_token


def private_link_for_secret(secret: str) -> str:
    """The absolute URL of the private page that this secret opens."""
    return public_url("staff.page", secret=secret)


def issue_private_link(employee: Employee, actor: User | None = None) -> str:
    """Create the employee's private page link, revoking any previous one; return its URL.

    Only the SHA-256 of the secret is stored, so the link can be shown once and never again.
    """
    secret = url_secret()
    begin_write()
    employee.page_token_hash = sha256_hex(secret)
    record_audit("employee.issue_private_link", "employee", employee.id, user=actor)
    db.session.commit()
    return private_link_for_secret(secret)


def revoke_private_link(employee: Employee, actor: User | None = None) -> None:
    """Make the employee's private page link stop working."""
    begin_write()
    employee.page_token_hash = None
    record_audit("employee.revoke_private_link", "employee", employee.id, user=actor)
    db.session.commit()


def employee_for_secret(secret: str | None) -> Employee | None:
    """The active employee whose private link carries this secret, else None."""
    if not secret or len(secret) > SECRET_MAX:
        return None
    employee = db.session.scalar(
        select(Employee).where(Employee.page_token_hash == sha256_hex(secret))
    )
    if employee is None or not employee.active:
        return None
    return employee
