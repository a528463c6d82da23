"""Offline customer votes of a campaign: printed paper ballots and votes taken by phone.

A ballot's code is never stored, only its keyed hash; a ballot yields one vote at most
(OfflineVote.paper_ballot_id is unique, and entry marks the ballot used by a conditional
UPDATE). A vote counts for the customer source like a verified rating of the same
customer (core.services.campaign.sources).
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import UTCDateTime, enum_column, utcnow
from core.models.campaign import Campaign
from core.models.people import Branch, Employee, User


class VoteChannel(enum.Enum):
    """How a customer vote came in (online: a verified rating)."""

    ONLINE = "online"
    PAPER = "paper"
    PHONE = "phone"


class BallotStatus(enum.Enum):
    PRINTED = "printed"  # handed out, not entered yet
    USED = "used"  # entered: its vote is an OfflineVote
    VOIDED = "voided"  # spoiled or lost: never entered


class OfflineVoteStatus(enum.Enum):
    PENDING = "pending"  # a phone vote waiting for the caller's code: counts nowhere
    COUNTED = "counted"
    VOIDED = "voided"  # voided by a manager with a reason: counts nowhere


class BallotBatch(db.Model):
    """Ballots printed together for one campaign and branch, with the candidates printed."""

    __table_args__ = (CheckConstraint("count >= 1", name="ck_ballot_batch_count"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    count: Mapped[int]
    # The employee ids printed on every ballot of the batch, in printed order.
    candidate_ids: Mapped[list] = mapped_column(JSON, default=list)
    printed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    branch: Mapped[Branch] = relationship()
    printed_by: Mapped[User] = relationship()
    ballots: Mapped[list["PaperBallot"]] = relationship(
        back_populates="batch", order_by="PaperBallot.number"
    )


class PaperBallot(db.Model):
    """One numbered ballot; only the keyed hash of its code is stored."""

    __table_args__ = (
        UniqueConstraint("batch_id", "number", name="uq_paper_ballot_number"),
        CheckConstraint(
            "(status = 'voided') = (voided_at IS NOT NULL)", name="ck_paper_ballot_voided"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ballot_batch.id", ondelete="CASCADE"))
    number: Mapped[int]
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[BallotStatus] = mapped_column(
        enum_column(BallotStatus), default=BallotStatus.PRINTED
    )
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str] = mapped_column(String(500), default="")
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    batch: Mapped[BallotBatch] = relationship(back_populates="ballots")


class OfflineVote(db.Model):
    """A customer's vote from a paper ballot or a phone call, entered by a member of staff."""

    __table_args__ = (
        CheckConstraint(
            "(channel = 'paper' AND paper_ballot_id IS NOT NULL)"
            " OR (channel = 'phone' AND paper_ballot_id IS NULL)",
            name="ck_offline_vote_channel",
        ),
        CheckConstraint(
            "(status = 'pending') = (counted_at IS NULL)", name="ck_offline_vote_counted"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    channel: Mapped[VoteChannel] = mapped_column(enum_column(VoteChannel))
    status: Mapped[OfflineVoteStatus] = mapped_column(
        enum_column(OfflineVoteStatus), default=OfflineVoteStatus.PENDING
    )
    # The keyed hash of the customer's normalised phone, as for an online rating.
    customer_hash: Mapped[str] = mapped_column(String(64), index=True)
    # A ballot gives one vote at most, whatever the application does.
    paper_ballot_id: Mapped[int | None] = mapped_column(ForeignKey("paper_ballot.id"), unique=True)
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When it began to count (paper: entered; phone: the caller's code confirmed); kept
    # when the vote is voided later.
    counted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str] = mapped_column(String(500), default="")
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    branch: Mapped[Branch] = relationship()
    ballot: Mapped[PaperBallot | None] = relationship()
    entered_by: Mapped[User] = relationship(foreign_keys=[entered_by_id])
    marks: Mapped[list["OfflineMark"]] = relationship(
        back_populates="vote", cascade="all, delete-orphan"
    )


class OfflineMark(db.Model):
    """The stars (1..5) an offline vote gives one candidate."""

    __table_args__ = (CheckConstraint("stars BETWEEN 1 AND 5", name="ck_offline_mark_stars"),)

    vote_id: Mapped[int] = mapped_column(
        ForeignKey("offline_vote.id", ondelete="CASCADE"), primary_key=True
    )
    candidate_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    stars: Mapped[int]

    vote: Mapped[OfflineVote] = relationship(back_populates="marks")
    candidate: Mapped[Employee] = relationship()
