"""Demo paper and phone votes for the demo campaign, so the offline-votes page has rows."""

from core.extensions import db
from core.models import (
    Campaign,
    OfflineMark,
    OfflineVote,
    OfflineVoteStatus,
    User,
    VoteChannel,
    utcnow,
)
from core.services.campaign.ballots import batch_candidates, print_batch
from core.services.campaign.offline_votes import enter_paper_ballot
from core.services.ratings.identity import contact_identity

DEMO_BALLOTS = 5
# (stars per candidate in printed order); the customer's demo phone number.
DEMO_PAPER = [((5, 4), "13800138001"), ((4, 5), "13800138002")]
DEMO_PHONE = [((5, 3), "13800138003")]


def seed_demo_offline_votes(campaign: Campaign, branch_id: int, clerk: User, notes: list[str]):
    """Print a batch at the branch and enter two of its ballots; add one phone vote.

    The phone vote is stored as confirmed: a demo has no phone to read back the SMS code.
    """
    batch, codes = print_batch(campaign, branch_id, DEMO_BALLOTS, clerk)
    candidates = batch_candidates(batch)
    for (stars, phone), code in zip(DEMO_PAPER, codes, strict=False):
        enter_paper_ballot(
            campaign, code, phone, dict(zip([c.id for c in candidates], stars, strict=False)),
            clerk,
        )  # fmt: skip
    for stars, phone in DEMO_PHONE:
        _number, customer = contact_identity("phone", phone)
        db.session.add(
            OfflineVote(
                campaign_id=campaign.id, branch_id=branch_id, channel=VoteChannel.PHONE,
                status=OfflineVoteStatus.COUNTED, customer_hash=customer,
                entered_by_id=clerk.id, counted_at=utcnow(),
                marks=[
                    OfflineMark(candidate_id=c.id, stars=s)
                    for c, s in zip(candidates, stars, strict=False)
                ],
            )
        )  # fmt: skip
    db.session.commit()
    unused = ", ".join(codes[len(DEMO_PAPER) :])
    notes.append(
        f"Paper ballots of the demo campaign not entered yet (enter them at "
        f"/admin/campaigns/{campaign.id}/ballots/enter): {unused}"
    )
