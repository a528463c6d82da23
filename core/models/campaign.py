"""The "Service Star" selection campaign: registration, staged rounds, evaluation sources.

Anonymity of colleague votes is a schema property: BallotUse says THAT an employee
voted in a round (no time, no choice), VoteTally holds per-candidate counters (no
voter, no time). No table links the two.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models.base import UTCDateTime, enum_column, utcnow
from core.models.people import Branch, Employee, User
from scoring.composite import SOURCES


class CampaignStage(enum.Enum):
    """Stages in order; the admin advances one at a time."""

    REGISTRATION = "registration"
    PRELIMINARY = "preliminary"
    SECOND = "second"
    FINAL = "final"
    PUBLISHED = "published"


# The rounds in which colleagues vote, supervisors, candidates and judges evaluate.
EVALUATED_ROUNDS = (CampaignStage.SECOND, CampaignStage.FINAL)
_ROUND_CHECK = "round IN ('second', 'final')"

campaign_branches = Table(
    "campaign_branch",
    db.metadata,
    Column("campaign_id", ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True),
    Column("branch_id", ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True),
)


class Campaign(db.Model):
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="ck_campaign_dates_ordered"),
        CheckConstraint("preliminary_pass >= 1", name="ck_campaign_preliminary_pass"),
        CheckConstraint("second_pass >= 1", name="ck_campaign_second_pass"),
        CheckConstraint("winners >= 1", name="ck_campaign_winners"),
        CheckConstraint("ballot_size >= 1", name="ck_campaign_ballot_size"),
        CheckConstraint("vote_threshold >= 1", name="ck_campaign_vote_threshold"),
        CheckConstraint("min_ratings >= 0", name="ck_campaign_min_ratings"),
        CheckConstraint("notice_days >= 0", name="ck_campaign_notice_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    stage: Mapped[CampaignStage] = mapped_column(
        enum_column(CampaignStage), default=CampaignStage.REGISTRATION
    )
    # Customer ratings verified on these dates (inclusive, UTC) count for the campaign.
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # The announced schedule of each stage (shown to staff; the admin advances by hand).
    registration_closes_on: Mapped[date | None]
    second_round_on: Mapped[date | None]
    final_on: Mapped[date | None]
    # {"preliminary": {"customer": 100}, "second": {...}, "final": {...}}; each sums to 100.
    weights: Mapped[dict] = mapped_column(JSON)
    # How many candidates the preliminary and second rounds pass on; final winners.
    preliminary_pass: Mapped[int] = mapped_column(default=10)
    second_pass: Mapped[int] = mapped_column(default=5)
    winners: Mapped[int] = mapped_column(default=1)
    # K: how many colleagues one ballot may name.
    ballot_size: Mapped[int] = mapped_column(default=3)
    # Vote counts of a branch are shown only once this many of its staff voted.
    vote_threshold: Mapped[int] = mapped_column(default=5)
    # Preliminary screening: minimum verified ratings in the campaign's dates.
    min_ratings: Mapped[int] = mapped_column(default=3)
    # Public notice (公示): local days each stage's results stay open to objections;
    # 0: final at once.
    notice_days: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    branches: Mapped[list[Branch]] = relationship(secondary=campaign_branches)

    @property
    def branch_ids(self) -> set[int]:
        return {branch.id for branch in self.branches}

    def __repr__(self) -> str:
        return f"<Campaign {self.name}>"


class Registration(db.Model):
    """An employee's entry: once per campaign (unique), with their service highlights."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "employee_id", name="uq_registration_campaign_employee"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), index=True)
    highlights: Mapped[str] = mapped_column(String(2000))
    # The admin who registered the employee on their behalf; None when self-registered.
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Why an admin registered the employee after registration closed ("" when on time).
    late_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    employee: Mapped[Employee] = relationship()
    registered_by: Mapped[User | None] = relationship()


class StageResult(db.Model):
    """One candidate's frozen result of a published stage; later changes never alter it."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "stage", "employee_id", name="uq_stage_result_candidate"),
        CheckConstraint(
            "stage IN ('preliminary', 'second', 'final')", name="ck_stage_result_stage"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    stage: Mapped[CampaignStage] = mapped_column(enum_column(CampaignStage))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    # Names as they were at publication, so the record reads the same later.
    employee_name: Mapped[str] = mapped_column(String(80))
    branch_name: Mapped[str] = mapped_column(String(120))
    # None: screened out before ranking (see screened_out).
    rank: Mapped[int | None]
    total: Mapped[float] = mapped_column(default=0.0)
    passed: Mapped[bool] = mapped_column(default=False)
    screened_out: Mapped[str] = mapped_column(String(200), default="")
    # The composite's lines: [{"source", "weight", "raw", "contribution", "missing"}...].
    lines: Mapped[list] = mapped_column(JSON, default=list)
    # Final winners only: the secret in the certificate's verification link.
    verification_token: Mapped[str | None] = mapped_column(String(43), unique=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    campaign: Mapped[Campaign] = relationship()
    employee: Mapped[Employee] = relationship()


class SourceWaiver(db.Model):
    """An admin's written decision that one candidate's round goes without one source.

    The candidate's other weights of the round scale up to 100 (scoring.composite).
    """

    __table_args__ = (
        UniqueConstraint("campaign_id", "round", "candidate_id", "source", name="uq_source_waiver"),
        CheckConstraint(_ROUND_CHECK, name="ck_source_waiver_round"),
        CheckConstraint(
            "source IN (" + ", ".join(f"'{s}'" for s in SOURCES) + ")",
            name="ck_source_waiver_source",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    round: Mapped[CampaignStage] = mapped_column(enum_column(CampaignStage))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    source: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    candidate: Mapped[Employee] = relationship()
    created_by: Mapped[User] = relationship()


class BallotUse(db.Model):
    """THAT an employee used their ballot in a round: no time, no choice, nothing else."""

    __table_args__ = (CheckConstraint(_ROUND_CHECK, name="ck_ballot_use_round"),)

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    round: Mapped[CampaignStage] = mapped_column(enum_column(CampaignStage), primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    # The voter's branch, so "how many voted in this branch" needs no join to the voter.
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))


class VoteTally(db.Model):
    """Colleague votes received by a candidate in a round: a counter and nothing else."""

    __table_args__ = (
        CheckConstraint(_ROUND_CHECK, name="ck_vote_tally_round"),
        CheckConstraint("votes >= 0", name="ck_vote_tally_votes"),
    )

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    round: Mapped[CampaignStage] = mapped_column(enum_column(CampaignStage), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
    votes: Mapped[int] = mapped_column(default=0)


def _ten_point(*columns: str) -> str:
    return " AND ".join(f"{c} BETWEEN 1 AND 10" for c in columns)


class SupervisorEvaluation(db.Model):
    """A manager's scores (1..10) of a shortlisted employee of their branch in a round."""

    __table_args__ = (
        UniqueConstraint(
            "campaign_id", "round", "candidate_id", "manager_id", name="uq_supervisor_evaluation"
        ),
        CheckConstraint(_ROUND_CHECK, name="ck_supervisor_evaluation_round"),
        CheckConstraint(
            _ten_point("attitude", "quality", "efficiency"), name="ck_supervisor_evaluation_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    round: Mapped[CampaignStage] = mapped_column(enum_column(CampaignStage))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    manager_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    attitude: Mapped[int]
    quality: Mapped[int]
    efficiency: Mapped[int]
    comment: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    candidate: Mapped[Employee] = relationship()


class SelfEvaluationStatus(enum.Enum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class SelfEvaluation(db.Model):
    """A candidate's own scores with reasons; counts (and is shown to colleagues) once accepted."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "round", "employee_id", name="uq_self_evaluation"),
        CheckConstraint(_ROUND_CHECK, name="ck_self_evaluation_round"),
        CheckConstraint(
            _ten_point("performance", "growth", "self_management"),
            name="ck_self_evaluation_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    round: Mapped[CampaignStage] = mapped_column(enum_column(CampaignStage))
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    performance: Mapped[int]
    growth: Mapped[int]
    self_management: Mapped[int]
    reasons: Mapped[str] = mapped_column(Text)
    improvements: Mapped[str] = mapped_column(Text)
    status: Mapped[SelfEvaluationStatus] = mapped_column(
        enum_column(SelfEvaluationStatus), default=SelfEvaluationStatus.SUBMITTED
    )
    supervisor_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    employee: Mapped[Employee] = relationship()


class JudgePanelMember(db.Model):
    """A judge named to a round's panel."""

    __table_args__ = (CheckConstraint(_ROUND_CHECK, name="ck_judge_panel_round"),)

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    round: Mapped[CampaignStage] = mapped_column(enum_column(CampaignStage), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)

    user: Mapped[User] = relationship()


# Second round: the on-site demonstration; final: the defence.
JUDGE_CRITERIA = {
    CampaignStage.SECOND: ("practical_skill", "adaptability", "teamwork"),
    CampaignStage.FINAL: ("overall_quality", "service_philosophy", "innovation"),
}


def _criteria_filled(round_value: str, filled: tuple, empty: tuple) -> str:
    is_set = " AND ".join(f"{c} IS NOT NULL" for c in filled)
    is_unset = " AND ".join(f"{c} IS NULL" for c in empty)
    return f"(round = '{round_value}' AND {is_set} AND {is_unset})"


class JudgeScore(db.Model):
    """One judge's scores (1..10) of one candidate on the round's three criteria."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "round", "judge_id", "candidate_id", name="uq_judge_score"),
        CheckConstraint(_ROUND_CHECK, name="ck_judge_score_round"),
        CheckConstraint(
            _criteria_filled(
                "second", JUDGE_CRITERIA[CampaignStage.SECOND], JUDGE_CRITERIA[CampaignStage.FINAL]
            )
            + " OR "
            + _criteria_filled(
                "final", JUDGE_CRITERIA[CampaignStage.FINAL], JUDGE_CRITERIA[CampaignStage.SECOND]
            ),
            name="ck_judge_score_criteria",
        ),
        *(
            CheckConstraint(f"{c} IS NULL OR {c} BETWEEN 1 AND 10", name=f"ck_judge_score_{c}")
            for criteria in JUDGE_CRITERIA.values()
            for c in criteria
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    round: Mapped[CampaignStage] = mapped_column(enum_column(CampaignStage))
    judge_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("employee.id"))
    practical_skill: Mapped[int | None]
    adaptability: Mapped[int | None]
    teamwork: Mapped[int | None]
    overall_quality: Mapped[int | None]
    service_philosophy: Mapped[int | None]
    innovation: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def criteria_scores(self) -> list[int]:
        """The three scores of this round's criteria."""
        return [getattr(self, c) for c in JUDGE_CRITERIA[self.round]]
