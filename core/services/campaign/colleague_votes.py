"""Anonymous colleague votes: one ballot per employee per round, up to K colleagues.

The ballot's use (BallotUse) and the counters (VoteTally) are written in one
transaction, but nothing stored ties one to the other: no voter id on a counter,
no time on either. Do not log the choices either.
"""

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.database import begin_write
from core.extensions import db
from core.models import BallotUse, Campaign, CampaignStage, Employee, VoteTally
from core.models.campaign import EVALUATED_ROUNDS
from core.services.campaign.rounds import CampaignError, round_candidates
from core.services.campaign.sources import branch_voter_counts


class BallotUsed(CampaignError):
    """The employee has used their ballot for this round already."""


def voting_round(campaign: Campaign) -> CampaignStage | None:
    """The round whose ballot is open now, if any."""
    return campaign.stage if campaign.stage in EVALUATED_ROUNDS else None


def may_vote(campaign: Campaign, employee: Employee) -> bool:
    """Whether the employee gets a ballot in the campaign's current round."""
    return (
        voting_round(campaign) is not None
        and employee.active
        and employee.branch_id in campaign.branch_ids
    )


def ballot_choices(campaign: Campaign, voter: Employee) -> list[Employee]:
    """The candidates a voter may name: the round's candidates of their branch, not themselves."""
    round_ = voting_round(campaign)
    if round_ is None:
        return []
    return [
        c
        for c in round_candidates(campaign, round_)
        if c.branch_id == voter.branch_id and c.id != voter.id
    ]


def has_voted(campaign: Campaign, employee: Employee, round_: CampaignStage) -> bool:
    """Whether the employee used their ballot in this round."""
    used = db.session.get(BallotUse, (campaign.id, round_, employee.id))
    return used is not None


def cast_ballot(campaign: Campaign, voter: Employee, candidate_ids) -> None:
    """Use the voter's ballot for 1..K colleagues; a second use is refused, even concurrently.

    The unique key of BallotUse decides which of two simultaneous ballots counts.
    """
    round_ = voting_round(campaign)
    if round_ is None or not may_vote(campaign, voter):
        raise CampaignError(_("There is no ballot open for you in this campaign."))
    chosen = set(candidate_ids)
    if voter.id in chosen:
        raise CampaignError(_("You cannot vote for yourself."), field="candidate_ids")
    if not chosen:
        raise CampaignError(_("Choose at least one colleague."), field="candidate_ids")
    if len(chosen) > campaign.ballot_size:
        raise CampaignError(
            _("Choose at most %(k)d colleagues.", k=campaign.ballot_size), field="candidate_ids"
        )
    allowed = {c.id for c in ballot_choices(campaign, voter)}
    if not chosen <= allowed:
        raise CampaignError(_("Choose among the listed colleagues."), field="candidate_ids")
    begin_write()
    if campaign.stage is not round_:  # the admin closed the round meanwhile
        db.session.rollback()
        raise CampaignError(_("There is no ballot open for you in this campaign."))
    db.session.add(
        BallotUse(
            campaign_id=campaign.id, round=round_, employee_id=voter.id, branch_id=voter.branch_id
        )
    )
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise BallotUsed(_("You have voted in this round already.")) from None
    # Counters exist from the round's start, so an atomic increment suffices.
    db.session.execute(
        update(VoteTally)
        .where(
            VoteTally.campaign_id == campaign.id,
            VoteTally.round == round_,
            VoteTally.candidate_id.in_(sorted(chosen)),
        )
        .values(votes=VoteTally.votes + 1)
    )
    db.session.commit()


def branch_tallies(
    campaign: Campaign, round_: CampaignStage, branch_id: int
) -> dict[int, int] | None:
    """Votes per candidate of a branch; None while fewer than the threshold have voted."""
    voters = branch_voter_counts(campaign, round_).get(branch_id, 0)
    if voters < campaign.vote_threshold:
        return None
    query = (
        select(VoteTally.candidate_id, VoteTally.votes)
        .join(Employee, Employee.id == VoteTally.candidate_id)
        .where(
            VoteTally.campaign_id == campaign.id,
            VoteTally.round == round_,
            Employee.branch_id == branch_id,
        )
    )
    return dict(db.session.execute(query).all())
