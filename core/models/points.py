"""The points ledger, per-period aggregates, rewards and redemptions."""

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import UTCDateTime, enum_column, utcnow
from core.models.people import Employee, User


class EntryKind(enum.Enum):
    EARNED = "earned"
    BONUS = "bonus"
    REDEEMED = "redeemed"
    ADJUSTMENT = "adjustment"
    REVERSAL = "reversal"
    TIER = "tier"  # a period's score-tier extra ("tier:<period>"), and its corrections
    PLACE = "place"  # a winner's place reward ("place:<grant id>"); withdrawn by a REVERSAL


class PointsEntry(db.Model):
    """One append-only change of an employee's points; a balance is the sum of these."""

    __table_args__ = (
        # One source (a rating, a redemption, an admin action) awards at most once per kind.
        UniqueConstraint("kind", "source_key", name="uq_points_entry_kind_source"),
        Index("ix_points_entry_employee_created", "employee_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    amount: Mapped[int]
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind))
    # "rating:12", "redemption:4", "adjustment:<uuid>"...
    source_key: Mapped[str] = mapped_column(String(64))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    employee: Mapped[Employee] = relationship()
    actor: Mapped[User | None] = relationship()


class EmployeeBalance(db.Model):
    """The running sum of an employee's ledger, kept in the same transaction as each entry.

    The check constraint is the last line of defence: no spend can commit below zero.
    """

    __table_args__ = (CheckConstraint("balance >= 0", name="ck_employee_balance_non_negative"),)

    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    balance: Mapped[int] = mapped_column(default=0)


class EmployeePeriodStats(db.Model):
    """Per-employee, per-period sums of verified ratings, kept with each rating they count."""

    __table_args__ = (Index("ix_employee_period_stats_period", "period_key"),)

    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    period_key: Mapped[str] = mapped_column(String(10), primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    rating_count: Mapped[int] = mapped_column(default=0)
    score_sum: Mapped[float] = mapped_column(default=0.0)
    overall_sum: Mapped[int] = mapped_column(default=0)
    # Ratings with 4 or 5 overall stars.
    high_count: Mapped[int] = mapped_column(default=0)


class EmployeePeriodDimension(db.Model):
    """Per-employee, per-period, per-dimension star sums."""

    # A leaderboard reads one period's rows of every employee.
    __table_args__ = (Index("ix_employee_period_dimension_period", "period_key"),)

    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    period_key: Mapped[str] = mapped_column(String(10), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(30), primary_key=True)
    rating_count: Mapped[int] = mapped_column(default=0)
    stars_sum: Mapped[int] = mapped_column(default=0)


class PointsRuleSet(db.Model):
    """A version of the points rules; the newest is in force. Old versions stay for snapshots."""

    id: Mapped[int] = mapped_column(primary_key=True)
    rules: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class PeriodTier(db.Model):
    """An employee's score tier, fixed when their period was closed, and the extra it gave.

    `tiers` keeps the tier rules in force at closing, so a later correction (a rating of
    the period hidden) recomputes with the same rules; `extra` is the sum of the TIER
    entries so far. One row per employee with ratings in a closed period.
    """

    period_key: Mapped[str] = mapped_column(String(10), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    tier: Mapped[int]  # 1-based
    score: Mapped[float | None]  # the fair score; None with too few ratings to be ranked
    earned: Mapped[int]
    extra: Mapped[int]
    tiers: Mapped[list] = mapped_column(JSON)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    employee: Mapped[Employee] = relationship()


class RewardKind(enum.Enum):
    CASH_BONUS = "cash_bonus"
    GIFT_CARD = "gift_card"
    FREE_PRODUCT = "free_product"
    EVENT = "event"
    TRAINING = "training"
    DAY_OFF = "day_off"


class Reward(db.Model):
    __table_args__ = (
        CheckConstraint("cost > 0", name="ck_reward_cost_positive"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="ck_reward_stock_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[RewardKind] = mapped_column(enum_column(RewardKind))
    cost: Mapped[int]
    # None: unlimited.
    stock: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    # Reserved for employees whose latest fixed score tier (PeriodTier) is at least this;
    # None: everyone. "The value of rewards grows with the service score."
    min_tier: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RedemptionStatus(enum.Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"  # withdrawn by the employee before a decision


class Redemption(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("reward.id"))
    # The cost when requested; approval spends this amount.
    cost: Mapped[int]
    status: Mapped[RedemptionStatus] = mapped_column(
        enum_column(RedemptionStatus), default=RedemptionStatus.REQUESTED
    )
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    employee: Mapped[Employee] = relationship()
    reward: Mapped[Reward] = relationship()
