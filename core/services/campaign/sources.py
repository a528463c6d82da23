"""The evaluation sources of a campaign stage, each normalised to 0..100 (None: missing).

Sources of a stage (the rules; scoring/ does the arithmetic):
- customer: one vote per customer. Of the verified ratings of the campaign's local days in
  its branches, each verified customer (Rating.customer_hash) counts once per candidate
  over the whole campaign: their latest verified rating of that candidate (by
  verification time, then id). The once-only rule of ratings is per award period, so a
  customer may have rated the candidate in each month of the campaign; the selection plan
  says each customer votes once, and the latest rating is their current view of the
  service being judged now. A verified rating without a customer hash (none is verified
  without one; only hand-made rows) counts as its own customer. Offline votes (paper
  ballots and phone votes, campaign.offline_votes) share this rule: their customer is the
  same keyed hash of the phone, so a customer who rated online and voted on paper counts
  once, with whichever of the two counted last. Bayesian score (prior = mean of the
  counted votes, weight from the score settings) mapped 1..5 -> 0..100; missing without
  a vote;
- colleagues: the round's votes as a share of the top count among the candidates of the
  same branch; missing while fewer than `vote_threshold` colleagues of that branch have
  voted (the count is not shown then, so it does not count either);
- supervisor: mean over the managers' evaluations of (attitude, quality, efficiency);
- self: the accepted self-evaluation (performance, growth, self-management);
- judges: the panel score of the current panel's judges (highest and lowest dropped
  with five or more), each judge's three criteria mapped 1..10 -> 0..100.
Missing sources count 0 and are flagged; ties fall to the customer score.
"""

import math
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Float, String, cast, func, literal_column, select, true, union_all

from core.extensions import db
from core.models import (
    BallotUse,
    Campaign,
    CampaignStage,
    JudgePanelMember,
    JudgeScore,
    OfflineMark,
    OfflineVote,
    OfflineVoteStatus,
    Rating,
    RatingStatus,
    SelfEvaluation,
    SelfEvaluationStatus,
    SupervisorEvaluation,
    VoteChannel,
    VoteTally,
)
from core.services.periods import COUNTED_AT, counted_between, counted_by, days_window
from core.services.points.rules import score_settings
from scoring.composite import panel_score, ten_point_to_100, votes_to_100
from scoring.scores import bayesian_score, normalise_score, period_mean


def _customer_votes(campaign: Campaign, as_of: datetime | None):
    """Every counting customer vote of the campaign: verified ratings, then offline votes.

    Columns: channel, employee_id, customer (hash; a rating without one: its own
    customer), counted_at, vote id (for the order), score.
    """
    start, end = days_window(campaign.starts_on, campaign.ends_on)
    own = func.coalesce(
        Rating.customer_hash, literal_column("'rating-'", String) + cast(Rating.id, String)
    )
    online = select(
        literal_column(f"'{VoteChannel.ONLINE.value}'", String).label("channel"),
        Rating.employee_id.label("employee_id"),
        own.label("customer"),
        COUNTED_AT.label("counted_at"),
        Rating.id.label("vote_id"),
        func.coalesce(Rating.score, Rating.overall).label("score"),
    ).where(
        Rating.status == RatingStatus.VERIFIED,
        Rating.branch_id.in_(sorted(campaign.branch_ids)),
        counted_between(start, end),
        true() if as_of is None else counted_by(as_of),
    )
    offline = (
        select(
            cast(OfflineVote.channel, String(20)).label("channel"),
            OfflineMark.candidate_id.label("employee_id"),
            OfflineVote.customer_hash.label("customer"),
            OfflineVote.counted_at.label("counted_at"),
            OfflineVote.id.label("vote_id"),
            cast(OfflineMark.stars, Float).label("score"),
        )
        .join(OfflineMark, OfflineMark.vote_id == OfflineVote.id)
        .where(
            OfflineVote.campaign_id == campaign.id,
            OfflineVote.status == OfflineVoteStatus.COUNTED,
            true() if as_of is None else OfflineVote.counted_at <= as_of,
        )
    )
    return union_all(online, offline).subquery()


def counted_ratings(campaign: Campaign, as_of: datetime | None = None):
    """Subquery (channel, employee id, score): the one counted vote per customer and candidate.

    The customer's latest verified rating or offline vote of the candidate (by the time
    it began to count, then online before offline, then id): see the module docstring
    for why; with `as_of`, only votes counted by then (a frozen stage is recomputed as it
    was when it closed).
    """
    votes = _customer_votes(campaign, as_of)
    place = (
        func.row_number()
        .over(
            partition_by=(votes.c.employee_id, votes.c.customer),
            order_by=(votes.c.counted_at.desc(), votes.c.channel, votes.c.vote_id.desc()),
        )
        .label("place")
    )
    ranked = select(votes.c.channel, votes.c.employee_id, votes.c.score, place).subquery()
    return (
        select(ranked.c.channel, ranked.c.employee_id, ranked.c.score)
        .where(ranked.c.place == 1)
        .subquery()
    )


def customer_totals(
    campaign: Campaign, as_of: datetime | None = None
) -> dict[int, tuple[int, float]]:
    """(customers, score sum) per employee: one counted vote per customer."""
    counted = counted_ratings(campaign, as_of)
    query = select(counted.c.employee_id, func.count(), func.sum(counted.c.score)).group_by(
        counted.c.employee_id
    )
    return {row[0]: (int(row[1]), float(row[2])) for row in db.session.execute(query)}


def customer_channels(campaign: Campaign, as_of: datetime | None = None) -> dict[int, dict]:
    """The counted customers of each employee by channel: {employee id: {"paper": 2, ...}}."""
    counted = counted_ratings(campaign, as_of)
    query = select(counted.c.employee_id, counted.c.channel, func.count()).group_by(
        counted.c.employee_id, counted.c.channel
    )
    channels: dict[int, dict] = defaultdict(dict)
    for employee_id, channel, count in db.session.execute(query):
        channels[employee_id][channel] = int(count)
    return dict(channels)


def customer_scores(campaign: Campaign, as_of: datetime | None = None) -> dict[int, float]:
    """Normalised (0..100) customer score of each employee with ratings in the dates."""
    totals = customer_totals(campaign, as_of)
    prior = period_mean(
        sum(c for c, _s in totals.values()), math.fsum(s for _c, s in totals.values())
    )
    weight = score_settings().prior_weight
    return {
        employee_id: normalise_score(bayesian_score(count, score_sum, prior, weight))
        for employee_id, (count, score_sum) in totals.items()
    }


def colleague_scores(campaign: Campaign, round_: CampaignStage, candidates) -> dict[int, float]:
    """Normalised vote shares, only for branches where enough colleagues voted."""
    voters = branch_voter_counts(campaign, round_)
    tallies = dict(
        db.session.execute(
            select(VoteTally.candidate_id, VoteTally.votes).filter_by(
                campaign_id=campaign.id, round=round_
            )
        ).all()
    )
    by_branch = defaultdict(list)
    for candidate in candidates:
        by_branch[candidate.branch_id].append(candidate.id)
    scores = {}
    for branch_id, ids in by_branch.items():
        if voters.get(branch_id, 0) < campaign.vote_threshold:
            continue
        top = max(tallies.get(i, 0) for i in ids)
        scores.update({i: votes_to_100(tallies.get(i, 0), top) for i in ids})
    return scores


def branch_voter_counts(campaign: Campaign, round_: CampaignStage) -> dict[int, int]:
    """How many staff of each branch used their ballot in the round."""
    query = (
        select(BallotUse.branch_id, func.count())
        .filter_by(campaign_id=campaign.id, round=round_)
        .group_by(BallotUse.branch_id)
    )
    return {branch_id: int(n) for branch_id, n in db.session.execute(query)}


def supervisor_scores(campaign: Campaign, round_: CampaignStage) -> dict[int, float]:
    """Mean of the managers' normalised evaluations, per candidate."""
    per_candidate = defaultdict(list)
    rows = db.session.scalars(
        select(SupervisorEvaluation).filter_by(campaign_id=campaign.id, round=round_)
    )
    for row in rows:
        per_candidate[row.candidate_id].append(
            ten_point_to_100([row.attitude, row.quality, row.efficiency])
        )
    return {cid: math.fsum(values) / len(values) for cid, values in per_candidate.items()}


def self_scores(campaign: Campaign, round_: CampaignStage) -> dict[int, float]:
    """The accepted self-evaluations, normalised."""
    rows = db.session.scalars(
        select(SelfEvaluation).filter_by(
            campaign_id=campaign.id, round=round_, status=SelfEvaluationStatus.ACCEPTED
        )
    )
    return {
        r.employee_id: ten_point_to_100([r.performance, r.growth, r.self_management]) for r in rows
    }


def judge_scores(campaign: Campaign, round_: CampaignStage) -> dict[int, float]:
    """The panel score of each candidate, from the judges on the round's panel now."""
    panel = select(JudgePanelMember.user_id).filter_by(campaign_id=campaign.id, round=round_)
    rows = db.session.scalars(
        select(JudgeScore)
        .filter_by(campaign_id=campaign.id, round=round_)
        .where(JudgeScore.judge_id.in_(panel))
    )
    per_candidate = defaultdict(list)
    for row in rows:
        per_candidate[row.candidate_id].append(ten_point_to_100(row.criteria_scores()))
    return {cid: panel_score(values) for cid, values in per_candidate.items()}


def source_scores(
    campaign: Campaign, stage: CampaignStage, candidates, as_of: datetime | None = None
) -> dict[int, dict]:
    """Every candidate's normalised sources for the stage (None: missing), as of `as_of`."""
    customer = customer_scores(campaign, as_of)
    if stage is CampaignStage.PRELIMINARY:
        return {c.id: {"customer": customer.get(c.id)} for c in candidates}
    others = {
        "supervisor": supervisor_scores(campaign, stage),
        "colleagues": colleague_scores(campaign, stage, candidates),
        "self": self_scores(campaign, stage),
        "judges": judge_scores(campaign, stage),
    }
    return {
        c.id: {
            "customer": customer.get(c.id),
            **{s: values.get(c.id) for s, values in others.items()},
        }
        for c in candidates
    }
