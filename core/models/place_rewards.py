"""Winners' rewards: what each place of a campaign or an award category gets, and what
each winner was granted (points, a catalogue item, commitments tracked until delivered)."""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.awards import AwardCategory
from core.models.base import UTCDateTime, enum_column, utcnow
from core.models.campaign import Campaign
from core.models.people import Employee, User
from core.models.points import Redemption, Reward


class PlaceRewardKind(enum.Enum):
    POINTS = "points"  # entered in the ledger
    ITEM = "item"  # an item of the reward catalogue
    COMMITMENT = "commitment"  # a promise with an owner and a due date


class CommitmentKind(enum.Enum):
    """What a commitment promises: material, honour or career (the plan's three groups)."""

    CASH_BONUS = "cash_bonus"
    GIFT_CARD = "gift_card"
    FREE_PRODUCT = "free_product"
    PUBLIC_PRAISE = "public_praise"
    CERTIFICATE = "certificate"
    SPECIAL_EVENT = "special_event"
    PROMOTION = "promotion"
    TRAINING = "training"
    JOB_ROTATION = "job_rotation"


class PlaceReward(db.Model):
    """One reward of one place (1 = first) of a campaign or of an award category."""

    __table_args__ = (
        CheckConstraint(
            "(campaign_id IS NULL) <> (category_id IS NULL)", name="ck_place_reward_one_owner"
        ),
        CheckConstraint("place >= 1", name="ck_place_reward_place"),
        # Each kind carries exactly its own detail.
        CheckConstraint(
            "(kind = 'points') = (points IS NOT NULL AND points > 0)",
            name="ck_place_reward_points",
        ),
        CheckConstraint("(kind = 'item') = (reward_id IS NOT NULL)", name="ck_place_reward_item"),
        CheckConstraint(
            "(kind = 'commitment') = (commitment_kind IS NOT NULL)",
            name="ck_place_reward_commitment",
        ),
        CheckConstraint("due_days IS NULL OR due_days >= 0", name="ck_place_reward_due_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("award_category.id", ondelete="CASCADE"), index=True
    )
    place: Mapped[int]
    kind: Mapped[PlaceRewardKind] = mapped_column(enum_column(PlaceRewardKind))
    points: Mapped[int | None]
    reward_id: Mapped[int | None] = mapped_column(ForeignKey("reward.id"))
    commitment_kind: Mapped[CommitmentKind | None] = mapped_column(enum_column(CommitmentKind))
    description: Mapped[str] = mapped_column(String(500), default="")
    # A commitment's owner (who delivers it) and how many days after the result is final.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    due_days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign | None] = relationship()
    category: Mapped[AwardCategory | None] = relationship()
    reward: Mapped[Reward | None] = relationship()
    owner: Mapped[User | None] = relationship()


class PlaceRewardGrant(db.Model):
    """A place reward given to one winner. Unique per (reward, winner): granting is once,
    also when two calls race; a withdrawn result marks the grant reversed, never deletes it."""

    __table_args__ = (
        UniqueConstraint("place_reward_id", "employee_id", name="uq_place_reward_grant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    place_reward_id: Mapped[int] = mapped_column(ForeignKey("place_reward.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    # The granted catalogue item, as a zero-cost approved redemption (see place_rewards).
    redemption_id: Mapped[int | None] = mapped_column(ForeignKey("redemption.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the reversal could not do: points already spent, an item or promise delivered.
    reversal_note: Mapped[str] = mapped_column(String(500), default="")

    place_reward: Mapped[PlaceReward] = relationship()
    employee: Mapped[Employee] = relationship()
    redemption: Mapped[Redemption | None] = relationship()


class Commitment(db.Model):
    """An honour, career or material reward promised to a winner, tracked until delivered."""

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("place_reward_grant.id"), unique=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    kind: Mapped[CommitmentKind] = mapped_column(enum_column(CommitmentKind))
    description: Mapped[str] = mapped_column(String(500), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    due_on: Mapped[date | None] = mapped_column(Date)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Set when the result was withdrawn before delivery.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    grant: Mapped[PlaceRewardGrant] = relationship()
    employee: Mapped[Employee] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    delivered_by: Mapped[User | None] = relationship(foreign_keys=[delivered_by_id])
