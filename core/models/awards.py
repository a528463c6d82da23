"""Award periods, their categories and winners, and the frozen snapshot of published results."""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import UTCDateTime, enum_column, utcnow
from core.models.people import Employee, User


class AwardStatus(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class CategoryKind(enum.Enum):
    # Ranked by the Bayesian service score of the period's verified ratings.
    SERVICE_STAR = "service_star"
    # Ranked by confirmed surprise-service bonuses in the period.
    SURPRISE = "surprise"


class AwardPeriod(db.Model):
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ck_award_period_dates"),
        CheckConstraint("notice_days >= 0", name="ck_award_period_notice_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Local calendar days (config TIME_ZONE), both inclusive.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[AwardStatus] = mapped_column(enum_column(AwardStatus), default=AwardStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when an admin published before the period's last local day was over.
    early_publish_reason: Mapped[str | None] = mapped_column(String(500))
    # Public notice (公示): local days the published results stay open to objections;
    # 0: final at once.
    notice_days: Mapped[int] = mapped_column(default=0, server_default="0")

    categories: Mapped[list["AwardCategory"]] = relationship(
        back_populates="period", cascade="all, delete-orphan", order_by="AwardCategory.id"
    )
    snapshots: Mapped[list["AwardSnapshot"]] = relationship(
        back_populates="period", order_by="AwardSnapshot.id"
    )


class AwardCategory(db.Model):
    __table_args__ = (
        UniqueConstraint("period_id", "name", name="uq_award_category_name"),
        CheckConstraint("winner_quota >= 1", name="ck_award_category_quota_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("award_period.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[CategoryKind] = mapped_column(enum_column(CategoryKind))
    # How many winners the category may have.
    winner_quota: Mapped[int] = mapped_column(default=1, server_default="1")

    period: Mapped[AwardPeriod] = relationship(back_populates="categories")
    winners: Mapped[list["AwardWinner"]] = relationship(
        back_populates="category", cascade="all, delete-orphan", order_by="AwardWinner.rank"
    )


class AwardWinner(db.Model):
    __table_args__ = (
        # One employee wins a category once; a place is held by one winner.
        UniqueConstraint("category_id", "employee_id", name="uq_award_winner_employee"),
        UniqueConstraint("category_id", "rank", name="uq_award_winner_rank"),
        CheckConstraint("rank >= 1", name="ck_award_winner_rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("award_category.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    rank: Mapped[int] = mapped_column(default=1)
    citation: Mapped[str] = mapped_column(Text, default="")
    # Printed as a QR code on the certificate; opens the public verification page.
    verification_token: Mapped[str] = mapped_column(String(43), unique=True)
    # Set when the admin picked an ineligible candidate: why (admins only, never public).
    override_reason: Mapped[str | None] = mapped_column(String(500))

    category: Mapped[AwardCategory] = relationship(back_populates="winners")
    employee: Mapped[Employee] = relationship()


class AwardSnapshot(db.Model):
    """The results as published, frozen: later ratings or rule changes never touch this row."""

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("award_period.id", ondelete="CASCADE"))
    # Categories with their ranked candidates, winners and citations, the rules in force.
    results: Mapped[dict] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    period: Mapped[AwardPeriod] = relationship(back_populates="snapshots")
    published_by: Mapped[User | None] = relationship()
