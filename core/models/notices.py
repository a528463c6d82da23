"""Public notice (公示) of results and the objections candidates file during it.

A ResultNotice announces one result: a campaign stage's frozen StageResults, or an award
period's published snapshot. The result is final once the notice period is over
(notice_ends_at) and no objection is open; final_at records when a service saw that
(and told the listeners, see core.services.notices.events). An upheld objection
withdraws the notice; a recomputed or republished result gets a new one.
"""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.awards import AwardPeriod
from core.models.base import UTCDateTime, enum_column, utcnow
from core.models.campaign import Campaign, CampaignStage
from core.models.people import Employee, User


class ResultNotice(db.Model):
    """One announcement of a stage's or an award period's results, under notice until final."""

    __table_args__ = (
        # Exactly one kind of result: a campaign stage, or an award period.
        CheckConstraint(
            "(campaign_id IS NOT NULL AND stage IS NOT NULL AND award_period_id IS NULL)"
            " OR (campaign_id IS NULL AND stage IS NULL AND award_period_id IS NOT NULL)",
            name="ck_result_notice_kind",
        ),
        CheckConstraint("notice_days >= 0", name="ck_result_notice_days"),
        CheckConstraint("notice_ends_at >= announced_at", name="ck_result_notice_ends"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[CampaignStage | None] = mapped_column(enum_column(CampaignStage))
    award_period_id: Mapped[int | None] = mapped_column(
        ForeignKey("award_period.id", ondelete="CASCADE"), index=True
    )
    announced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The notice days in force at the announcement, and the moment they are over.
    notice_days: Mapped[int] = mapped_column(default=0)
    notice_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    final_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign | None] = relationship()
    award_period: Mapped[AwardPeriod | None] = relationship()


class ObjectionStatus(enum.Enum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class ObjectionRemedy(enum.Enum):
    """What an upheld objection did to the result."""

    RECOMPUTE = "recompute"  # the stage's results computed again, announced anew
    REOPEN = "reopen"  # the stage open again; it closes (and is announced) again later
    WITHDRAW = "withdraw"  # the award period's publication withdrawn back to draft


class Objection(db.Model):
    """An employee's objection to one announced result, and the admin's answer."""

    __table_args__ = (
        # One objection per employee and result, even under two concurrent requests.
        UniqueConstraint("notice_id", "employee_id", name="uq_objection_notice_employee"),
        CheckConstraint(
            "(status = 'open' AND answered_at IS NULL)"
            " OR (status <> 'open' AND answered_at IS NOT NULL)",
            name="ck_objection_answered",
        ),
        CheckConstraint(
            "(status = 'upheld' AND remedy IS NOT NULL) OR (status <> 'upheld' AND remedy IS NULL)",
            name="ck_objection_remedy",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("result_notice.id", ondelete="CASCADE"), index=True
    )
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ObjectionStatus] = mapped_column(
        enum_column(ObjectionStatus), default=ObjectionStatus.OPEN
    )
    remedy: Mapped[ObjectionRemedy | None] = mapped_column(enum_column(ObjectionRemedy))
    answer: Mapped[str] = mapped_column(String(2000), default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    notice: Mapped[ResultNotice] = relationship()
    employee: Mapped[Employee] = relationship()
    answered_by: Mapped[User | None] = relationship()
