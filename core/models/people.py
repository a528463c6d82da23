"""Branches, employees and the staff who run the scheme."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import UTCDateTime, enum_column, utcnow

manager_branches = Table(
    "manager_branch",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("branch_id", ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True),
)


class Branch(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # SHA-256 of the secret of the branch's staff noticeboard link; None: no link.
    noticeboard_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    employees: Mapped[list["Employee"]] = relationship(back_populates="branch")

    def __repr__(self) -> str:
        return f"<Branch {self.name}>"


class Employee(db.Model):
    __table_args__ = (
        UniqueConstraint("branch_id", "staff_no", name="uq_employee_branch_staff_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    # Optional staff number, used to spot duplicates on import.
    staff_no: Mapped[str | None] = mapped_column(String(40))
    display_name: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(80), default="")
    # File name of the re-encoded photo in the instance folder, if any.
    photo: Mapped[str | None] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(default=True)
    # The secret printed on the QR card (uppercase base32, see core.services.people.cards).
    card_token: Mapped[str] = mapped_column(String(32), unique=True)
    # SHA-256 of the employee's private page secret; the secret itself is never stored.
    page_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Set by an admin; bars the employee from award selection until cleared.
    disciplinary_flag: Mapped[bool] = mapped_column(default=False)
    # The language of mail to the employee (one of SUPPORTED_LOCALES); None: the site default.
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    branch: Mapped[Branch] = relationship(back_populates="employees")
    identities: Mapped[list["EmployeeIdentity"]] = relationship(
        back_populates="employee", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Employee {self.display_name}>"


class RetiredCardToken(db.Model):
    """A token from a lost or replaced card: scanning it says the card is no longer valid."""

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"))
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EmployeeIdentity(db.Model):
    """An employee's own email or phone as the customer keyed hash: it never rates as a customer.

    The unique index gives each contact to one employee at most, even under concurrent edits.
    """

    employee_id: Mapped[int] = mapped_column(
        ForeignKey("employee.id", ondelete="CASCADE"), primary_key=True
    )
    identity_hash: Mapped[str] = mapped_column(
        String(64), primary_key=True, index=True, unique=True
    )
    # "email" or "phone", as in core.services.ratings.identity.identity_hash.
    kind: Mapped[str] = mapped_column(String(10), default="")
    # A masked form for showing it back ("a•••@example.com", "+86 •••• 5678"); never the value.
    hint: Mapped[str] = mapped_column(String(80), default="")

    employee: Mapped[Employee] = relationship(back_populates="identities")


class Role(enum.Enum):
    ADMIN = "admin"
    MANAGER = "manager"
    JUDGE = "judge"


class User(UserMixin, db.Model):
    """A person who logs in to the admin area."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.MANAGER)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    branches: Mapped[list[Branch]] = relationship(secondary=manager_branches)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.active


class UserSession(db.Model):
    """A server-side login session: deleting the row logs that browser out everywhere."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random session secret kept in the signed cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()
