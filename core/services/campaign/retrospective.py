"""The review after a campaign (后续工作): what happened, in figures, and the lessons learned.

Participation per stage, the score distributions and the objections come from the
frozen stage results (what was announced), votes by channel and branch from the counted
customer votes (one per customer and candidate, core.services.campaign.sources),
anomalies from the same checks the moderation inbox and the offline-votes list use.
"""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from core.database import write_locked
from core.extensions import db
from core.models import (
    Campaign,
    CampaignLessons,
    CampaignStage,
    Employee,
    Objection,
    OfflineVote,
    OfflineVoteStatus,
    Rating,
    RatingStatus,
    Registration,
    ResultNotice,
    StageResult,
    User,
)
from core.models.campaign import SourceWaiver
from core.services.audit import record_change, record_created
from core.services.campaign.offline_list import suspicious_vote_ids
from core.services.campaign.rounds import RANKED_STAGES, checked_text
from core.services.campaign.sources import counted_ratings
from core.services.periods import counted_between, days_window
from core.services.ratings.bursts import suspicious_rating_ids
from core.services.ratings.moderation import staff_contact_rating_ids
from scoring.review import Distribution, distribution

LESSONS_MAX = 10_000


@dataclass(frozen=True)
class StageTurnout:
    """How many competed in a frozen stage, how many ranked and how many went through."""

    stage: CampaignStage
    competed: int
    ranked: int
    passed: int


@dataclass(frozen=True)
class BranchVotes:
    """Counted customer votes of one branch's candidates, by channel."""

    branch: str
    by_channel: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_channel.values())


@dataclass(frozen=True)
class SourceSpread:
    """The distribution of one source's scores among a stage's ranked candidates."""

    stage: CampaignStage
    source: str
    spread: Distribution


@dataclass(frozen=True)
class Anomalies:
    """What the checks flagged in the campaign's dates and branches."""

    rating_bursts: int
    staff_contacts: int
    hidden_ratings: int
    suspicious_offline: int
    voided_offline: list[OfflineVote]


@dataclass(frozen=True)
class CampaignReview:
    campaign: Campaign
    registered: int
    late_registrations: list[Registration]
    stages: list[StageTurnout]
    votes: list[BranchVotes]
    spreads: list[SourceSpread]
    waivers: list[SourceWaiver]
    objections: list[Objection]
    anomalies: Anomalies
    lessons: str

    @property
    def channel_totals(self) -> dict[str, int]:
        """Counted customer votes of all branches, by channel."""
        totals: dict[str, int] = defaultdict(int)
        for row in self.votes:
            for channel, count in row.by_channel.items():
                totals[channel] += count
        return dict(totals)


def campaign_review(campaign: Campaign) -> CampaignReview:
    """Everything the printable review shows, read from stored facts."""
    registrations = list(
        db.session.scalars(select(Registration).filter_by(campaign_id=campaign.id))
    )
    frozen = list(db.session.scalars(select(StageResult).filter_by(campaign_id=campaign.id)))
    lessons = db.session.get(CampaignLessons, campaign.id)
    return CampaignReview(
        campaign=campaign,
        registered=len(registrations),
        late_registrations=[r for r in registrations if r.late_reason],
        stages=_turnout(frozen),
        votes=_votes_by_branch(campaign),
        spreads=_spreads(frozen),
        waivers=list(
            db.session.scalars(
                select(SourceWaiver)
                .filter_by(campaign_id=campaign.id)
                .order_by(SourceWaiver.created_at)
            )
        ),
        objections=_objections(campaign),
        anomalies=_anomalies(campaign),
        lessons=lessons.text if lessons else "",
    )


def _turnout(frozen: list[StageResult]) -> list[StageTurnout]:
    by_stage = defaultdict(list)
    for row in frozen:
        by_stage[row.stage].append(row)
    return [
        StageTurnout(
            stage,
            len(by_stage[stage]),
            sum(1 for r in by_stage[stage] if r.rank is not None),
            sum(1 for r in by_stage[stage] if r.passed),
        )
        for stage in RANKED_STAGES
        if stage in by_stage
    ]


def _votes_by_branch(campaign: Campaign) -> list[BranchVotes]:
    counted = counted_ratings(campaign)
    query = (
        select(Employee.branch_id, counted.c.channel, func.count())
        .join(Employee, Employee.id == counted.c.employee_id)
        .group_by(Employee.branch_id, counted.c.channel)
    )
    names = {b.id: b.name for b in campaign.branches}
    by_branch: dict[str, dict[str, int]] = defaultdict(dict)
    for branch_id, channel, count in db.session.execute(query):
        by_branch[names.get(branch_id, "")][channel] = int(count)
    return [BranchVotes(name, by_branch[name]) for name in sorted(by_branch)]


def _spreads(frozen: list[StageResult]) -> list[SourceSpread]:
    """Per stage and source: the raw scores of the ranked candidates who had the source."""
    scores = defaultdict(list)
    for row in frozen:
        if row.rank is None:
            continue
        for line in row.lines:
            if line.get("raw") is not None and not line.get("missing"):
                scores[(row.stage, line["source"])].append(float(line["raw"]))
    order = {stage: i for i, stage in enumerate(RANKED_STAGES)}
    return [
        SourceSpread(stage, source, distribution(values))
        for (stage, source), values in sorted(
            scores.items(), key=lambda item: (order[item[0][0]], item[0][1])
        )
    ]


def _objections(campaign: Campaign) -> list[Objection]:
    """Every objection to the campaign's announced stages, in the order filed."""
    query = (
        select(Objection)
        .join(ResultNotice, ResultNotice.id == Objection.notice_id)
        .where(ResultNotice.campaign_id == campaign.id)
        .order_by(Objection.created_at, Objection.id)
    )
    return list(db.session.scalars(query))


def _anomalies(campaign: Campaign) -> Anomalies:
    start, end = days_window(campaign.starts_on, campaign.ends_on)
    in_campaign = [Rating.branch_id.in_(sorted(campaign.branch_ids)), counted_between(start, end)]
    hidden = db.session.scalar(
        select(func.count()).where(Rating.status == RatingStatus.HIDDEN, *in_campaign)
    )
    voided = db.session.scalars(
        select(OfflineVote)
        .filter_by(campaign_id=campaign.id, status=OfflineVoteStatus.VOIDED)
        .order_by(OfflineVote.entered_at)
    )
    return Anomalies(
        rating_bursts=len(suspicious_rating_ids(in_campaign)),
        staff_contacts=len(staff_contact_rating_ids(in_campaign)),
        hidden_ratings=int(hidden or 0),
        suspicious_offline=len(suspicious_vote_ids(campaign)),
        voided_offline=list(voided),
    )


def save_lessons(campaign: Campaign, text: str, actor: User) -> CampaignLessons:
    """Write the campaign's lessons learned (replacing the previous text). Commits."""
    text = checked_text(text, "text", LESSONS_MAX)
    # Under the campaign's row lock: two admins saving the first lessons at once take turns
    # (the second finds the row) instead of one failing on the primary key.
    write_locked(Campaign, campaign.id)
    lessons = db.session.get(CampaignLessons, campaign.id)
    if lessons is None:
        lessons = CampaignLessons(campaign_id=campaign.id, text=text, updated_by_id=actor.id)
        db.session.add(lessons)
        db.session.flush()
        record_created("campaign.lessons", lessons, user=actor)
    else:
        lessons.text = text
        lessons.updated_by_id = actor.id
        record_change("campaign.lessons", lessons, user=actor)
    db.session.commit()
    return lessons
