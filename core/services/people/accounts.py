"""Signing in and out of the admin area, server-side sessions, and account management."""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from core.database import begin_write
from core.extensions import db
from core.models import Branch, Role, User, UserSession, utcnow
from core.services import DomainError
from core.services.audit import record_change, record_created
from core.services.people.users import (
    MIN_PASSWORD_LENGTH,
    WeakPassword,
    create_user,
    hash_password,
    normalise_login_email,
)
from core.services.tokens import sha256_hex, url_secret

# Checked when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class InvalidCredentials(DomainError):
    """Unknown email, wrong password or disabled account: one message for all three."""


class CannotChangeSelf(DomainError):
    """An admin may not disable or demote their own account."""


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password, else InvalidCredentials."""
    user = db.session.scalar(select(User).where(User.email == normalise_login_email(email)))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not valid or not user.active:
        raise InvalidCredentials(_("Wrong email or password."))
    return user


def start_session(user: User, user_agent: str = "") -> str:
    """Store a new server-side session for the user; return its secret for the cookie."""
    secret = url_secret()
    begin_write()
    db.session.add(
        UserSession(token_hash=sha256_hex(secret), user_id=user.id, user_agent=user_agent[:500])
    )
    db.session.commit()
    return secret


def end_session(secret: str | None) -> None:
    """Delete the server-side session, so its cookie no longer signs anyone in."""
    if not secret:
        return
    begin_write()
    db.session.execute(delete(UserSession).where(UserSession.token_hash == sha256_hex(secret)))
    db.session.commit()


def user_for_session(user_id: str, secret: str | None) -> User | None:
    """The user of a live session: the row exists, is not too old, and the account is active."""
    if not secret or not user_id.isdigit():
        return None
    row = db.session.scalar(
        select(UserSession).where(
            UserSession.token_hash == sha256_hex(secret), UserSession.user_id == int(user_id)
        )
    )
    if row is None or not row.user.active:
        return None
    max_age = timedelta(hours=current_app.config.get("ADMIN_SESSION_HOURS", 12))
    if utcnow() - row.created_at > max_age:
        return None
    return row.user


def _branches(branch_ids) -> list[Branch]:
    if not branch_ids:
        return []
    return list(db.session.scalars(select(Branch).where(Branch.id.in_(list(branch_ids)))))


def create_account(email, password, role: Role, name="", branch_ids=(), actor=None) -> User:
    """Create a manager, judge or admin account, with its branches; commits."""
    begin_write()
    user = create_user(email, password, role, name=name, branches=_branches(branch_ids))
    record_created("user.create", user, user=actor)
    db.session.commit()
    return user


def update_account(user: User, name, role: Role, branch_ids, actor: User, password="") -> User:
    """Change an account's name, role, branches and (if given) password; commits.

    A new password ends the account's sessions, so whoever knew the old one is out.
    """
    if user.id == actor.id and role is not user.role:
        raise CannotChangeSelf(_("You cannot change your own role."))
    if password and len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            _("The password must have at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
        )
    begin_write()
    branches = _branches(branch_ids)
    # Replacing the branches loads the old ones; a flush then would hide the changes from
    # the audit log (record_change reads them before the flush).
    with db.session.no_autoflush:
        user.name, user.role, user.branches = name, role, branches
    if password:
        user.password_hash = hash_password(password)
    record_change("user.update", user, user=actor)
    if password:
        db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.commit()
    return user


def set_account_active(user: User, active: bool, actor: User) -> User:
    """Enable or disable an account; disabling ends all its sessions at once. Commits."""
    if user.id == actor.id and not active:
        raise CannotChangeSelf(_("You cannot disable your own account."))
    begin_write()
    user.active = active
    record_change("user.enable" if active else "user.disable", user, user=actor)
    if not active:
        db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.commit()
    return user
