"""Customer ratings, their verification and follow-up."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import UTCDateTime, enum_column, utcnow
from core.models.people import Branch, Employee


class RatingStatus(enum.Enum):
    PENDING = "pending"  # stored, waiting for the customer's code; counts nowhere
    VERIFIED = "verified"  # counted
    EXPIRED = "expired"  # never verified within the pending lifetime
    HIDDEN = "hidden"  # removed in moderation; its points were reversed


class SurpriseStatus(enum.Enum):
    NONE = "none"
    CLAIMED = "claimed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class DisputeStatus(enum.Enum):
    NONE = "none"
    OPEN = "open"
    UPHELD = "upheld"
    HIDDEN = "hidden"


class Rating(db.Model):
    __table_args__ = (
        CheckConstraint("overall BETWEEN 1 AND 5", name="ck_rating_overall_range"),
        # The inbox and the aggregates read verified ratings by employee and period.
        Index("ix_rating_employee_period_status", "employee_id", "period_key", "status"),
        Index("ix_rating_branch_created", "branch_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    period_key: Mapped[str] = mapped_column(String(10))
    status: Mapped[RatingStatus] = mapped_column(
        enum_column(RatingStatus), default=RatingStatus.PENDING
    )
    # The rating's public id, random, made by the service (verify's per-rating limit key).
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Keyed digest of device, employee and draft: a repeated POST finds this row.
    draft_key: Mapped[str | None] = mapped_column(String(64), index=True)
    overall: Mapped[int]
    # Weighted mean of the dimensions, fixed with the weights in force at verification.
    score: Mapped[float | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    surprise_status: Mapped[SurpriseStatus] = mapped_column(
        enum_column(SurpriseStatus), default=SurpriseStatus.NONE
    )
    surprise_text: Mapped[str] = mapped_column(String(500), default="")
    consent_contact: Mapped[bool] = mapped_column(default=False)
    # Keyed hash of the verified customer (see core.services.ratings.identity).
    customer_hash: Mapped[str | None] = mapped_column(String(64))
    # Plain contact, kept only with consent, purged after the retention period.
    contact: Mapped[str | None] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(10), default="en")
    # Keyed hash of the client address, for spotting bursts; never the address itself.
    client_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispute_status: Mapped[DisputeStatus] = mapped_column(
        enum_column(DisputeStatus), default=DisputeStatus.NONE
    )
    dispute_reason: Mapped[str] = mapped_column(String(1000), default="")

    employee: Mapped[Employee] = relationship()
    branch: Mapped[Branch] = relationship()
    stars: Mapped[list["RatingStar"]] = relationship(
        back_populates="rating", cascade="all, delete-orphan"
    )


class RatingStar(db.Model):
    """The stars given on one dimension (attitude, skill, ...) of a rating."""

    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="ck_rating_star_range"),)

    rating_id: Mapped[int] = mapped_column(
        ForeignKey("rating.id", ondelete="CASCADE"), primary_key=True
    )
    dimension: Mapped[str] = mapped_column(String(30), primary_key=True)
    stars: Mapped[int]

    rating: Mapped[Rating] = relationship(back_populates="stars")


class RatingClaim(db.Model):
    """The once-only rule: one verified customer, one employee, one period, one row."""

    customer_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    period_key: Mapped[str] = mapped_column(String(10), primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("rating.id"), unique=True)


class Channel(enum.Enum):
    EMAIL = "email"
    SMS = "sms"


class VerificationCode(db.Model):
    """A one-time code sent to a customer; only its hash is stored."""

    __table_args__ = (
        # The daily SMS budget counts a day's codes by channel.
        Index("ix_verification_code_channel_created", "channel", "created_at"),
        # A code confirms a pending rating, or a phone vote of a campaign: one of the two.
        CheckConstraint(
            "(rating_id IS NULL) <> (offline_vote_id IS NULL)",
            name="ck_verification_code_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int | None] = mapped_column(
        ForeignKey("rating.id", ondelete="CASCADE"), index=True
    )
    offline_vote_id: Mapped[int | None] = mapped_column(
        ForeignKey("offline_vote.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    identity_hash: Mapped[str] = mapped_column(String(64), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    # Shown next to the input so a customer who asked twice types the right code.
    prefix: Mapped[str] = mapped_column(String(4))
    # Masked ("j***@example.com"): the code page says where the code went, and the
    # contact itself never travels in a cookie.
    destination_hint: Mapped[str] = mapped_column(String(80), default="")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The send queue's outcome (core/services/ratings/code_delivery.py): neither while
    # queued; a failed send no longer counts against the caps, and the code page says so.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    send_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReceiptCode(db.Model):
    """A single-use code printed on a receipt; verifies exactly one rating."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating_id: Mapped[int | None] = mapped_column(ForeignKey("rating.id"), unique=True)
    # The employee who served, when the till said so: the code then verifies only them.
    employee_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id"))


class FollowUpState(enum.Enum):
    OPEN = "open"
    CONTACTED = "contacted"
    RESOLVED = "resolved"


class FollowUpTask(db.Model):
    """A low rating whose customer agreed to be contacted (回访)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("rating.id"), unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    state: Mapped[FollowUpState] = mapped_column(
        enum_column(FollowUpState), default=FollowUpState.OPEN
    )
    note: Mapped[str] = mapped_column(Text, default="")
    contact_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolve_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rating: Mapped[Rating] = relationship()
