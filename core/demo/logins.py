"""The demo's logins again: passwords are stored hashed, so showing them means new ones."""

import secrets
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from core.database import begin_write
from core.demo.campaign import DEMO_JUDGE_EMAIL, DEMO_MANAGER_EMAIL
from core.demo.seed import DEMO_ADMIN_EMAIL, DEMO_PEOPLE
from core.extensions import db
from core.models import Employee, User
from core.services import DomainError
from core.services.audit import record_audit
from core.services.people.cards import readable_card_url
from core.services.people.employees import private_link_for_secret
from core.services.people.users import hash_password, normalise_login_email
from core.services.tokens import sha256_hex, url_secret

DEMO_LOGIN_EMAILS = (DEMO_ADMIN_EMAIL, DEMO_MANAGER_EMAIL, DEMO_JUDGE_EMAIL)


class NotOnProduction(DomainError):
    pass


@dataclass
class DemoLogins:
    """The demo accounts with their new passwords, and where to try the demo."""

    # (account name, email, new password), in DEMO_LOGIN_EMAILS order.
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    card_url: str = ""
    private_link: str = ""


def _first_demo_employee() -> Employee | None:
    staff_no = next(iter(DEMO_PEOPLE.values()))[0][0]
    return db.session.scalar(
        select(Employee).where(Employee.staff_no == staff_no).order_by(Employee.id).limit(1)
    )


def reset_demo_logins() -> DemoLogins:
    """Give each existing demo account a new password, and the first demo employee a new
    private link; commit. Refused in production, where these accounts must not exist.
    """
    if current_app.config["ENV_NAME"] == "production":
        raise NotOnProduction("Demo logins are a development aid: refused in production.")
    begin_write()
    logins = DemoLogins()
    for email in DEMO_LOGIN_EMAILS:
        user = db.session.scalar(select(User).where(User.email == normalise_login_email(email)))
        if user is None:
            continue
        password = secrets.token_urlsafe(12)
        user.password_hash = hash_password(password)
        record_audit("user.demo_password_reset", "user", user.id)
        logins.accounts.append((user.name or user.email, user.email, password))
    employee = _first_demo_employee()
    if employee is not None:
        secret = url_secret()
        employee.page_token_hash = sha256_hex(secret)
        record_audit("employee.issue_private_link", "employee", employee.id)
        logins.card_url = readable_card_url(employee)
        logins.private_link = private_link_for_secret(secret)
    db.session.commit()
    return logins
