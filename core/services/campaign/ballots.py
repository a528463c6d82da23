"""Paper ballots of a campaign: print a numbered batch, look a ballot up by its code, void one.

A ballot code is a receipt-style code (10 characters without look-alikes, 50 random
bits, shown XXXX-XXXX-XX) under its own keyed hash, so a receipt code is never a ballot
code. The code is shown once, on the printed sheet; only the hash is kept. A batch
records the candidates printed on it: the candidates customers vote for now at its
branch (registrants until the preliminary round closes, then those passed on), so an
entry accepts marks for exactly what the customer saw. Admins print for any branch of
the campaign, a manager for the branches they run.
"""

import hashlib
import hmac

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import (
    BallotBatch,
    BallotStatus,
    Campaign,
    CampaignStage,
    Employee,
    PaperBallot,
    User,
    utcnow,
)
from core.services.audit import record_change, record_created
from core.services.campaign.rounds import CampaignError, checked_text, round_candidates
from core.services.ratings.receipt_codes import format_code, new_code, normalise_code

MAX_BATCH = 200
REASON_MAX = 500


def runs_branch(user: User, branch_id: int) -> bool:
    """Whether the user may handle offline votes of this branch (admin, or its manager)."""
    return user.is_admin or any(b.id == branch_id for b in user.branches)


def voting_candidates(campaign: Campaign, branch_id: int) -> list[Employee]:
    """The candidates customers vote for now at this branch, by name."""
    stage = campaign.stage
    if stage is CampaignStage.PUBLISHED:
        raise CampaignError(_("This campaign is over: it takes no more customer votes."))
    if stage is CampaignStage.REGISTRATION:
        stage = CampaignStage.PRELIMINARY
    return [c for c in round_candidates(campaign, stage) if c.branch_id == branch_id]


def ballot_code_hash(bare: str) -> str:
    """The stored form of a ballot code (keyed, so a database copy cannot be replayed)."""
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, f"ballot:{bare}".encode(), hashlib.sha256).hexdigest()


def print_batch(
    campaign: Campaign, branch_id: int, count: int, actor: User
) -> tuple[BallotBatch, list[str]]:
    """Record a batch of `count` ballots for the branch; commits. The batch and its codes
    (grouped, in ballot-number order): the only time the codes exist in plain."""
    if not 1 <= count <= MAX_BATCH:
        raise CampaignError(_("Print between 1 and %(max)d ballots.", max=MAX_BATCH), "count")
    write_locked(Campaign, campaign.id)
    if branch_id not in campaign.branch_ids or not runs_branch(actor, branch_id):
        db.session.rollback()
        raise CampaignError(_("Choose a branch of this campaign that you run."), "branch_id")
    try:
        candidates = voting_candidates(campaign, branch_id)
    except CampaignError:
        db.session.rollback()
        raise
    if not candidates:
        db.session.rollback()
        raise CampaignError(_("This branch has no candidates to vote for yet."), "branch_id")
    batch = BallotBatch(
        campaign_id=campaign.id,
        branch_id=branch_id,
        count=count,
        candidate_ids=[c.id for c in candidates],
        printed_by_id=actor.id,
    )
    db.session.add(batch)
    db.session.flush()
    codes = [new_code() for _ in range(count)]
    db.session.add_all(
        PaperBallot(batch_id=batch.id, number=number, code_hash=ballot_code_hash(code))
        for number, code in enumerate(codes, start=1)
    )
    record_created("ballot_batch.print", batch, user=actor)
    db.session.commit()
    return batch, [format_code(code) for code in codes]


def batch_candidates(batch: BallotBatch) -> list[Employee]:
    """The candidates printed on the batch's ballots, in printed order."""
    by_id = {
        e.id: e
        for e in db.session.scalars(select(Employee).where(Employee.id.in_(batch.candidate_ids)))
    }
    return [by_id[i] for i in batch.candidate_ids if i in by_id]


def ballot_by_code(campaign: Campaign, typed: str) -> PaperBallot:
    """The campaign's ballot with this code; CampaignError (on "code") when there is none."""
    bare = normalise_code(typed)
    ballot = None
    if bare is not None:
        ballot = db.session.scalar(
            select(PaperBallot)
            .join(BallotBatch, BallotBatch.id == PaperBallot.batch_id)
            .where(
                PaperBallot.code_hash == ballot_code_hash(bare),
                BallotBatch.campaign_id == campaign.id,
            )
        )
    if ballot is None:
        raise CampaignError(
            _("We do not know this ballot code for this campaign. Please check it."), "code"
        )
    return ballot


def refusal_of(ballot: PaperBallot) -> CampaignError | None:
    """Why this ballot can take no vote (used or voided), or None."""
    if ballot.status is BallotStatus.USED:
        return CampaignError(_("This ballot has already been entered."), "code")
    if ballot.status is BallotStatus.VOIDED:
        return CampaignError(
            _("This ballot was voided (%(reason)s): it cannot be entered.",
              reason=ballot.void_reason),
            "code",
        )  # fmt: skip
    return None


def void_ballot(batch: BallotBatch, number: int, reason: str, actor: User) -> PaperBallot:
    """Void a spoiled or lost ballot that was not entered, with a reason; commits."""
    reason = checked_text(reason, "reason", REASON_MAX, _("Say why this ballot is voided."))
    begin_write()
    ballot = db.session.scalar(
        select(PaperBallot).filter_by(batch_id=batch.id, number=number).with_for_update()
    )
    if ballot is None or not runs_branch(actor, batch.branch_id):
        db.session.rollback()
        raise CampaignError(_("There is no such ballot in this batch."), "number")
    if ballot.status is not BallotStatus.PRINTED:
        db.session.rollback()
        raise CampaignError(_("Only a ballot that was not entered can be voided."), "number")
    ballot.status = BallotStatus.VOIDED
    ballot.void_reason = reason
    ballot.voided_by_id = actor.id
    ballot.voided_at = utcnow()
    record_change("paper_ballot.void", ballot, user=actor)
    db.session.commit()
    return ballot
