"""A campaign's offline votes for staff: the list, its suspicious patterns, and the CSV.

A vote is flagged (as bursts does for online ratings) when it belongs to either pattern:
- one person entered ENTRY_COUNT or more votes within ENTRY_WINDOW (ballots typed in
  faster than customers fill them in);
- one customer phone is on PHONE_COUNT or more votes of the campaign (paper or phone).
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.labels import label
from core.models import Campaign, CampaignStage, OfflineVote, OfflineVoteStatus
from core.services.csv_safe import safe_csv
from core.services.ratings.bursts import burst_members

ENTRY_COUNT = 10
ENTRY_WINDOW = timedelta(minutes=5)
PHONE_COUNT = 3
# Longer than any campaign: every vote of one phone is in one window.
PHONE_WINDOW = timedelta(days=3660)


def offline_votes(campaign: Campaign, branch_ids: set[int] | None) -> list[OfflineVote]:
    """The campaign's offline votes in these branches (None: all), newest first."""
    query = (
        select(OfflineVote)
        .options(selectinload(OfflineVote.marks), selectinload(OfflineVote.entered_by))
        .filter_by(campaign_id=campaign.id)
        .order_by(OfflineVote.entered_at.desc(), OfflineVote.id.desc())
    )
    if branch_ids is not None:
        query = query.where(OfflineVote.branch_id.in_(sorted(branch_ids) or [0]))
    return list(db.session.scalars(query))


def suspicious_vote_ids(campaign: Campaign) -> set[int]:
    """Ids of the campaign's stored offline votes in one of the patterns above."""
    rows = db.session.execute(
        select(
            OfflineVote.id,
            OfflineVote.entered_by_id,
            OfflineVote.customer_hash,
            OfflineVote.entered_at,
        ).where(
            OfflineVote.campaign_id == campaign.id,
            OfflineVote.status != OfflineVoteStatus.PENDING,
        )
    ).all()
    by_enterer = [(r.id, r.entered_by_id, r.entered_at) for r in rows]
    by_phone = [(r.id, r.customer_hash, r.entered_at) for r in rows]
    return burst_members(by_enterer, ENTRY_COUNT, ENTRY_WINDOW) | burst_members(
        by_phone, PHONE_COUNT, PHONE_WINDOW
    )


def offline_votes_csv(campaign: Campaign, branch_ids: set[int] | None) -> bytes:
    """The offline votes as CSV: one row per candidate marked (never the customer's phone)."""
    flagged = suspicious_vote_ids(campaign)
    header = [
        _("Vote"), _("Channel"), _("Status"), _("Branch"), _("Ballot"), _("Candidate"),
        _("Stars"), _("Entered by"), _("Entered at"), _("Flagged"), _("Void reason"),
    ]  # fmt: skip
    rows = (
        (
            vote.id,
            label(vote.channel),
            label(vote.status),
            vote.branch.name,
            f"{vote.ballot.batch_id}-{vote.ballot.number}" if vote.ballot else "",
            mark.candidate.display_name,
            mark.stars,
            vote.entered_by.email,
            vote.entered_at.isoformat(),
            _("yes") if vote.id in flagged else "",
            vote.void_reason,
        )
        for vote in offline_votes(campaign, branch_ids)
        for mark in vote.marks
    )
    return safe_csv(header, rows)


def flagged_offline_votes(branch_ids: set[int] | None) -> list[tuple[Campaign, dict[str, int]]]:
    """For the moderation inbox: per campaign not yet published, its counted offline votes
    in these branches (None: all) that are in a suspicious pattern, by channel."""
    running = db.session.scalars(
        select(Campaign).where(Campaign.stage != CampaignStage.PUBLISHED).order_by(Campaign.id)
    )
    found = []
    for campaign in running:
        flagged = suspicious_vote_ids(campaign)
        if not flagged:
            continue
        by_channel: dict[str, int] = {}
        for vote in offline_votes(campaign, branch_ids):
            if vote.id in flagged and vote.status is OfflineVoteStatus.COUNTED:
                by_channel[vote.channel.value] = by_channel.get(vote.channel.value, 0) + 1
        if by_channel:
            found.append((campaign, by_channel))
    return found
