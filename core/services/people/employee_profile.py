"""Editing an employee's details and photo (adding, cards and links: the employees module)."""

from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import Employee, User
from core.services import DomainError
from core.services.audit import record_change
from core.services.messaging.later import mail_later
from core.services.messaging.mail import MailNotSent, send_mail
from core.services.messaging.queue import QueueUnavailable, sends_now
from core.services.people.employee_checks import (
    checked_employee_fields,
    checked_locale,
    flush_refusing_duplicates,
)
from core.services.people.employee_identities import (
    apply_contacts,
    contact_hints,
    parse_contacts,
    refuse_taken,
)
from core.services.people.employees import issue_private_link
from core.services.people.photos import delete_photo, reencode_photo, store_photo
from core.services.ratings.leaderboard_ranks import refresh_after_rename


def update_employee(
    employee: Employee,
    branch_id: int,
    display_name: str,
    title: str,
    staff_no: str,
    actor: User,
    emails: str = "",
    phones: str = "",
    remove: Iterable[str] = (),
    locale: str | None = None,
) -> Employee:
    """Change an employee's branch, name, title, staff number or language; add or remove contacts.

    `emails`, `phones`: contacts to add, one per line; `remove`: hashes of contacts to drop;
    `locale`: the language of mail to them (None leaves it as it is). Commits.
    """
    contacts = parse_contacts(emails, phones, remove)
    locale = checked_locale(locale)
    employee = write_locked(Employee, employee.id)
    branch, display_name, title, staff_no = checked_employee_fields(
        branch_id, display_name, title, staff_no, editing=employee
    )
    refuse_taken(contacts, employee.id)
    renamed = display_name.casefold() != employee.display_name.casefold()
    before = {"contacts": contact_hints(employee)}
    apply_contacts(employee, contacts)
    employee.branch_id = branch.id
    employee.display_name, employee.title, employee.staff_no = display_name, title, staff_no or None
    if locale:
        employee.locale = locale
    after = {"contacts": contact_hints(employee)}
    record_change("employee.update", employee, user=actor, before=before, after=after)
    flush_refusing_duplicates()
    if renamed:
        refresh_after_rename(employee.id)  # names order ties in stored rankings
    db.session.commit()
    return employee


def set_employee_photo(employee: Employee, data: bytes, actor: User) -> None:
    """Check and re-encode an uploaded photo, store it and replace the old one; commits."""
    jpeg = reencode_photo(data)
    name = store_photo(jpeg)
    begin_write()
    old = employee.photo
    employee.photo = name
    record_change("employee.photo", employee, user=actor)
    db.session.commit()
    delete_photo(old)


def employee_locale(employee: Employee) -> str:
    """The language of mail to the employee: theirs, else the site default."""
    return employee.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


class LinkNotMailed(DomainError):
    """The new link was issued (the old one is dead) but the mail failed: `link` is the
    new link, for the page to show instead, so that it is not lost."""

    def __init__(self, link: str):
        super().__init__(_("The mail could not be sent. Hand over this new link instead."))
        self.link = link


def send_private_link(employee: Employee, email: str, actor: User) -> str:
    """Issue a new private link (the old one stops working) and email it; LinkNotMailed
    (carrying the new link) when the mail fails.

    The mail is written in the employee's language, not in that of the person sending it.
    """
    link = issue_private_link(employee, actor)
    with force_locale(employee_locale(employee)):
        subject = _("Your Service Star page")
        body = _(
            "Hello %(name)s,\n\nThis is your private Service Star page: your QR card, the "
            "feedback you received, your points and rewards. Keep the link to yourself.\n\n"
            "%(link)s\n",
            name=employee.display_name,
            link=link,
        )
    try:
        _mail(email, subject, body)
    except (MailNotSent, QueueUnavailable) as error:
        raise LinkNotMailed(link) from error
    return link


def _mail(to: str, subject: str, body: str) -> None:
    """Queue the mail; in immediate mode send it now, so a failure shows the link."""
    if sends_now():
        send_mail(to, subject, body)
    else:
        mail_later(to, subject, body)
