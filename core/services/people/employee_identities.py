"""An employee's own contacts (work emails, mobiles): keyed hashes, shown back masked.

Rules: several of each are allowed, all optional; a contact belongs to one employee at
most (a unique index, so it holds under concurrent edits too); the plain value is never
stored, only its keyed hash and a masked hint. The customer flow refuses any employee's
contact (core.services.ratings.submission.check_can_rate).
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from core.models import Employee, EmployeeIdentity
from core.services import DomainError
from core.services.ratings.identity import InvalidContact, employee_identity

# Form and CLI: one contact per line; a CSV cell: separated by ";".
SEPARATORS = re.compile(r"[;\r\n]+")
# The form fields (and CSV columns) that hold each kind of contact.
CONTACT_FIELDS = {"email": "emails", "phone": "phones"}
CONTACTS_MAX = 10


class InvalidStaffContact(DomainError):
    """A contact typed for an employee is not usable, or belongs to another employee."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class StaffContacts:
    """Contacts to add (unsaved rows) and hashes to remove, already checked for shape."""

    added: tuple[EmployeeIdentity, ...] = ()
    removed: frozenset[str] = frozenset()


def contact_problems(kind: str, text: str | None) -> tuple[list[EmployeeIdentity], list[str]]:
    """The contacts listed in `text` and the problems of the unusable ones (naming each)."""
    values = [value.strip() for value in SEPARATORS.split(text or "") if value.strip()]
    identities, problems = [], []
    if len(values) > CONTACTS_MAX:
        problems.append(_("At most %(max)d per employee.", max=CONTACTS_MAX))
    for value in values[:CONTACTS_MAX]:
        try:
            identity = employee_identity(kind, value)
        except InvalidContact as error:
            problems.append(_("%(value)s: %(problem)s", value=value[:60], problem=str(error)))
            continue
        if all(known.identity_hash != identity.identity_hash for known in identities):
            identities.append(identity)
    return identities, problems


def parse_contacts(emails: str = "", phones: str = "", removed=()) -> StaffContacts:
    """The contacts typed for an employee; InvalidStaffContact naming the field at fault."""
    added = []
    for kind, text in (("email", emails), ("phone", phones)):
        identities, problems = contact_problems(kind, text)
        if problems:
            raise InvalidStaffContact(" ".join(problems), CONTACT_FIELDS[kind])
        added.extend(identities)
    return StaffContacts(tuple(added), frozenset(removed))


def taken_contact(identity_hashes, employee_id: int | None) -> EmployeeIdentity | None:
    """An identity among these hashes that already belongs to another employee."""
    if not identity_hashes:
        return None
    query = select(EmployeeIdentity).where(EmployeeIdentity.identity_hash.in_(identity_hashes))
    if employee_id is not None:
        query = query.where(EmployeeIdentity.employee_id != employee_id)
    # A new employee may already be in the session, half-built: not for this query to flush.
    with db.session.no_autoflush:
        return db.session.scalars(query.limit(1)).first()


def taken_message(hint: str) -> str:
    """Why a contact cannot be given to this employee (without naming the other one)."""
    return _("%(contact)s already belongs to another employee.", contact=hint)


def refuse_taken(contacts: StaffContacts, employee_id: int | None) -> None:
    """InvalidStaffContact when a contact to add is already another employee's."""
    added = {identity.identity_hash: identity for identity in contacts.added}
    taken = taken_contact(sorted(added), employee_id)
    if taken is not None:
        new = added[taken.identity_hash]
        raise InvalidStaffContact(taken_message(new.hint), CONTACT_FIELDS[new.kind])


def apply_contacts(employee: Employee, contacts: StaffContacts) -> None:
    """Add and remove the employee's contacts in the caller's write transaction (no commit).

    Call refuse_taken first, before anything changes.
    """
    hints = {identity.identity_hash: identity for identity in contacts.added}
    own = {identity.identity_hash: identity for identity in employee.identities}
    for identity_hash in contacts.removed & own.keys():
        employee.identities.remove(own.pop(identity_hash))
    for identity_hash, identity in hints.items():
        if identity_hash not in own:
            employee.identities.append(identity)


def contact_hints(employee: Employee) -> list[str]:
    """The employee's contacts, masked, in a stable order: for pages and the audit log."""
    return sorted(f"{identity.kind}:{identity.hint}" for identity in employee.identities)


def contact_choices(employee: Employee) -> list[tuple[str, str]]:
    """(hash, masked contact) of each of the employee's contacts, emails first."""
    ordered = sorted(employee.identities, key=lambda i: (i.kind != "email", i.hint))
    return [(identity.identity_hash, identity.hint) for identity in ordered]
