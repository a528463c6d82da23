"""Offline customer votes: a paper ballot entered by staff, or a vote taken by phone.

Rules:
- the customer's phone goes through the same normalising and keyed hash as online, so
  a customer is one customer across channels: the customer source counts their latest
  vote or verified rating per candidate, whatever the channel (campaign.sources);
- a contact of any employee never votes as a customer (as online);
- a ballot is entered once: a conditional UPDATE ... WHERE status = 'printed' marks it
  used (two concurrent entries: one wins), and OfflineVote.paper_ballot_id is unique;
- whoever enters a vote may not be one of the candidates on it. Admin accounts are not
  employees, so a user counts as a candidate when their sign-in email is one of the
  candidate's recorded contacts (EmployeeIdentity) or their name is the candidate's;
- a phone vote is stored pending and counts only once the caller reads back the SMS
  code sent to their number (one_time_codes: hashed, short-lived, tries counted, the
  destination caps and SMS budget of every code);
- a manager of the vote's branch (or an admin) may void a vote with a reason; it then
  counts nowhere. Everything is in the audit log.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import (
    BallotBatch,
    BallotStatus,
    Campaign,
    Employee,
    EmployeeIdentity,
    OfflineMark,
    OfflineVote,
    OfflineVoteStatus,
    PaperBallot,
    User,
    VoteChannel,
    utcnow,
)
from core.services import DomainError
from core.services.audit import record_change, record_created
from core.services.campaign.ballots import (
    REASON_MAX,
    ballot_by_code,
    batch_candidates,
    refusal_of,
    runs_branch,
    voting_candidates,
)
from core.services.campaign.rounds import CampaignError, checked_text
from core.services.ratings.identity import InvalidContact, contact_identity, identity_hash
from core.services.ratings.one_time_codes import issue_vote_code, send_vote_code, use_vote_code
from core.services.ratings.submission import STAFF_CONTACT_REFUSAL


@dataclass(frozen=True)
class PhoneVoteStarted:
    """A pending phone vote and where its code went (masked), for the confirm page."""

    vote_id: int
    prefix: str
    hint: str


def _customer(raw_phone: str) -> tuple[str, str]:
    """(E.164 number, identity hash) of the customer's phone; CampaignError on "phone"."""
    try:
        number, customer = contact_identity("phone", raw_phone)
    except InvalidContact as error:
        raise CampaignError(str(error), "phone") from None
    return number, customer


def _check_customer(customer: str) -> None:
    if db.session.scalar(
        select(EmployeeIdentity.employee_id).where(EmployeeIdentity.identity_hash == customer)
    ):
        raise CampaignError(str(STAFF_CONTACT_REFUSAL), "phone")


def is_candidate_user(user: User, candidates: list[Employee]) -> bool:
    """Whether the user is one of these candidates (contact or name; see the docstring)."""
    ids = [c.id for c in candidates]
    email = identity_hash("email", (user.email or "").strip().lower())
    if db.session.scalar(
        select(EmployeeIdentity.employee_id).where(
            EmployeeIdentity.identity_hash == email, EmployeeIdentity.employee_id.in_(ids)
        )
    ):
        return True
    name = " ".join((user.name or "").split()).casefold()
    return bool(name) and any(
        " ".join(c.display_name.split()).casefold() == name for c in candidates
    )


def _check_enterer(user: User, candidates: list[Employee]) -> None:
    if is_candidate_user(user, candidates):
        raise CampaignError(
            _("You are one of the candidates on this vote: someone else must enter it.")
        )


def _marks(candidates: list[Employee], stars: dict[int, int | None]) -> list[OfflineMark]:
    """The marks given to these candidates (1..5); CampaignError when none or out of range."""
    marks = []
    for candidate in candidates:
        given = stars.get(candidate.id)
        if given is None:
            continue
        if not 1 <= given <= 5:
            raise CampaignError(_("Stars go from 1 to 5."), f"mark_{candidate.id}")
        marks.append(OfflineMark(candidate_id=candidate.id, stars=given))
    if not marks:
        raise CampaignError(_("Enter the stars of at least one candidate."))
    return marks


def ballot_to_enter(campaign: Campaign, code: str, actor: User) -> tuple[PaperBallot, list]:
    """The ballot with this code and its candidates, when the actor may enter it now."""
    ballot = ballot_by_code(campaign, code)
    if not runs_branch(actor, ballot.batch.branch_id):
        raise CampaignError(_("This ballot is for a branch you do not run."), "code")
    if (refusal := refusal_of(ballot)) is not None:
        raise refusal
    candidates = batch_candidates(ballot.batch)
    _check_enterer(actor, candidates)
    return ballot, candidates


def enter_paper_ballot(
    campaign: Campaign, code: str, raw_phone: str, stars: dict[int, int | None], actor: User
) -> OfflineVote:
    """Store the vote of a paper ballot and mark the ballot used; commits (or nothing)."""
    _number, customer = _customer(raw_phone)
    begin_write()
    try:
        ballot, candidates = ballot_to_enter(campaign, code, actor)
        _check_customer(customer)
        marks = _marks(candidates, stars)
        now = utcnow()
        used = db.session.execute(
            update(PaperBallot)
            .where(PaperBallot.id == ballot.id, PaperBallot.status == BallotStatus.PRINTED)
            .values(status=BallotStatus.USED, used_at=now)
        )
        if used.rowcount != 1:
            db.session.refresh(ballot)
            raise refusal_of(ballot) or CampaignError(_("This ballot has already been entered."))
        vote = OfflineVote(
            campaign_id=campaign.id, branch_id=ballot.batch.branch_id,
            channel=VoteChannel.PAPER, status=OfflineVoteStatus.COUNTED,
            customer_hash=customer, paper_ballot_id=ballot.id, entered_by_id=actor.id,
            entered_at=now, counted_at=now, marks=marks,
        )  # fmt: skip
        db.session.add(vote)
        db.session.flush()
        record_created("offline_vote.enter", vote, user=actor, after=_marks_of(vote))
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    return vote


def _marks_of(vote: OfflineVote) -> dict:
    return {"marks": {str(m.candidate_id): m.stars for m in vote.marks}}


def phone_candidates(campaign: Campaign, branch_id: int, actor: User) -> list[Employee]:
    """The candidates a phone vote at this branch may mark, when the actor may take one."""
    if branch_id not in campaign.branch_ids or not runs_branch(actor, branch_id):
        raise CampaignError(_("Choose a branch of this campaign that you run."))
    candidates = voting_candidates(campaign, branch_id)
    _check_enterer(actor, candidates)
    return candidates


def start_phone_vote(
    campaign: Campaign, branch_id: int, raw_phone: str, stars: dict[int, int | None], actor: User
) -> PhoneVoteStarted:
    """Store a pending phone vote and text the caller a code; commits.

    The vote counts only when confirm_phone_vote gets that code. When the SMS cannot be
    sent the pending vote is deleted again, so staff may retry at once.
    """
    number, customer = _customer(raw_phone)
    begin_write()
    try:
        candidates = phone_candidates(campaign, branch_id, actor)
        _check_customer(customer)
        vote = OfflineVote(
            campaign_id=campaign.id, branch_id=branch_id, channel=VoteChannel.PHONE,
            status=OfflineVoteStatus.PENDING, customer_hash=customer, entered_by_id=actor.id,
            marks=_marks(candidates, stars),
        )  # fmt: skip
        db.session.add(vote)
        db.session.flush()
        code, plain = issue_vote_code(vote.id, number, customer)
    except DomainError:
        db.session.rollback()
        raise
    db.session.commit()
    started = PhoneVoteStarted(vote.id, code.prefix, code.destination_hint)
    try:
        send_vote_code(number, code, plain)
    except DomainError:
        begin_write()
        db.session.delete(db.session.get(OfflineVote, started.vote_id))
        db.session.commit()
        raise
    return started


def confirm_phone_vote(vote_id: int, typed: str, actor: User) -> OfflineVote:
    """Count the pending phone vote when `typed` is the caller's code; commits.

    A wrong try is committed too, so the code's tries stay counted.
    """
    vote = write_locked(OfflineVote, vote_id)
    if vote is None or vote.status is not OfflineVoteStatus.PENDING:
        db.session.rollback()
        raise CampaignError(_("This phone vote is not waiting for a code."), "code")
    if not runs_branch(actor, vote.branch_id):
        db.session.rollback()
        raise CampaignError(_("This vote is for a branch you do not run."), "code")
    try:
        use_vote_code(vote.id, typed)
    except DomainError as error:
        db.session.commit()
        raise CampaignError(str(error), "code") from None
    vote.status = OfflineVoteStatus.COUNTED
    vote.counted_at = utcnow()
    record_created("offline_vote.enter", vote, user=actor, after=_marks_of(vote))
    db.session.commit()
    return vote


def void_vote(vote: OfflineVote, reason: str, actor: User) -> OfflineVote:
    """Void a counted offline vote with a reason (it stops counting); commits."""
    reason = checked_text(reason, "reason", REASON_MAX, _("Say why this vote is voided."))
    vote = write_locked(OfflineVote, vote.id)
    if vote is None or not runs_branch(actor, vote.branch_id):
        db.session.rollback()
        raise CampaignError(_("This vote is for a branch you do not run."))
    if vote.status is not OfflineVoteStatus.COUNTED:
        db.session.rollback()
        raise CampaignError(_("Only a counted vote can be voided."))
    vote.status = OfflineVoteStatus.VOIDED
    vote.void_reason = reason
    vote.voided_by_id = actor.id
    vote.voided_at = utcnow()
    record_change("offline_vote.void", vote, user=actor)
    db.session.commit()
    return vote


def batches_of(campaign: Campaign, branch_ids: set[int] | None) -> list[BallotBatch]:
    """The campaign's ballot batches in these branches (None: all), newest first."""
    query = select(BallotBatch).filter_by(campaign_id=campaign.id)
    if branch_ids is not None:
        query = query.where(BallotBatch.branch_id.in_(sorted(branch_ids) or [0]))
    return list(db.session.scalars(query.order_by(BallotBatch.id.desc())))
