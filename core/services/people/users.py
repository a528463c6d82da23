"""Admin-area accounts."""

from flask import current_app
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from core.extensions import db
from core.models import Role, User
from core.services import DomainError

MIN_PASSWORD_LENGTH = 10


class EmailTaken(DomainError):
    pass


class WeakPassword(DomainError):
    pass


def normalise_login_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    """The stored form of a password (salted, slow: PASSWORD_HASH_METHOD)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(email: str, password: str, role: Role, name: str = "", branches=()) -> User:
    """Create an account with a hashed password; the caller commits."""
    email = normalise_login_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        raise EmailTaken(f"An account for {email} exists already.")
    user = User(email=email, name=name, role=role, password_hash=hash_password(password))
    user.branches = list(branches)
    db.session.add(user)
    db.session.flush()
    return user
