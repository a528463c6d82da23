"""What a campaign leaves behind: the lessons learned and each candidate's improvement plan."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import UTCDateTime, utcnow
from core.models.campaign import Campaign
from core.models.people import Employee, User


class CampaignLessons(db.Model):
    """The admins' lessons learned from a campaign, one text per campaign (后续工作)."""

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    updated_by: Mapped[User | None] = relationship()


class ImprovementAction(db.Model):
    """A training action a manager assigns a candidate for one weak criterion, until done."""

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    # "<source>:<criterion>", e.g. "judges:teamwork" (see campaign.improvement).
    criterion: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(500))
    due_on: Mapped[date | None]
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    campaign: Mapped[Campaign] = relationship()
    employee: Mapped[Employee] = relationship()
    assigned_by: Mapped[User] = relationship(foreign_keys=[assigned_by_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])
