"""Waived sources: an admin's written decision that a candidate's round goes without one.

No silent zeros: a stage does not close while a candidate lacks a source the stage weighs
(results.stage_gaps). The source is then given (a supervisor evaluation may come from an
admin for a branch without a manager, see evaluations), or the admin waives it for that
candidate with a reason, and the candidate's other weights scale up to 100
(scoring.composite.rescale_weights). Only a source missing at that moment can be waived,
so a waiver never drops a score someone gave; it stands for the rest of the round.
Colleague votes of a branch below the vote threshold are missing by rule (their count is
not shown, so it does not count): the admin waits for more voters or waives them.
Only the rounds with several sources take waivers; the preliminary weighs customers only.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.database import write_locked
from core.extensions import db
from core.models import Campaign, CampaignStage, Employee, User
from core.models.campaign import EVALUATED_ROUNDS, SourceWaiver
from core.services.audit import record_audit
from core.services.campaign.rounds import CampaignError, checked_text, round_candidates
from core.services.campaign.sources import source_scores
from scoring.composite import rescale_weights

REASON_MAX = 500


def waivers_of(campaign: Campaign, round_: CampaignStage) -> list[SourceWaiver]:
    """The round's waivers, oldest first."""
    query = select(SourceWaiver).filter_by(campaign_id=campaign.id, round=round_)
    return list(db.session.scalars(query.order_by(SourceWaiver.id)))


def waived_sources(campaign: Campaign, round_: CampaignStage) -> dict[int, set[str]]:
    """The sources waived in the round, per candidate id."""
    waived: dict[int, set[str]] = {}
    for waiver in waivers_of(campaign, round_):
        waived.setdefault(waiver.candidate_id, set()).add(waiver.source)
    return waived


def waivable_sources(campaign: Campaign, candidate: Employee) -> list[str]:
    """The sources the open round weighs that the candidate lacks and nobody waived yet."""
    round_ = campaign.stage
    if round_ not in EVALUATED_ROUNDS:
        return []
    candidates = round_candidates(campaign, round_)
    if all(c.id != candidate.id for c in candidates):
        return []
    scores = source_scores(campaign, round_, candidates)[candidate.id]
    waived = waived_sources(campaign, round_).get(candidate.id, set())
    return [
        source
        for source in campaign.weights[round_.value]
        if scores.get(source) is None and source not in waived
    ]


def waive_source(
    campaign: Campaign, candidate: Employee, source: str, reason: str, actor: User
) -> SourceWaiver:
    """Waive one missing source of a candidate in the open round, with a written reason."""
    reason = checked_text(reason, "reason", REASON_MAX, _("Say why this source is waived."))
    write_locked(Campaign, campaign.id)
    round_ = campaign.stage
    if round_ not in EVALUATED_ROUNDS:
        db.session.rollback()
        raise CampaignError(_("Sources can be waived only in the second round and the final."))
    if source not in waivable_sources(campaign, candidate):
        db.session.rollback()
        raise CampaignError(
            _("Only a source that this round weighs and the candidate lacks can be waived."),
            field="source",
        )
    waived = waived_sources(campaign, round_).get(candidate.id, set())
    try:
        rescale_weights(campaign.weights[round_.value], {*waived, source})
    except ValueError:
        db.session.rollback()
        raise CampaignError(
            _("This would waive every source of the candidate: nothing would be left."),
            field="source",
        ) from None
    waiver = SourceWaiver(
        campaign_id=campaign.id,
        round=round_,
        candidate_id=candidate.id,
        source=source,
        reason=reason,
        created_by_id=actor.id,
    )
    db.session.add(waiver)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise CampaignError(_("This source was waived at the same moment elsewhere.")) from None
    record_audit(
        "campaign.waive_source", "source_waiver", waiver.id, None,
        {"campaign": campaign.id, "round": round_.value, "candidate": candidate.id,
         "source": source, "reason": reason},
        user=actor,
    )  # fmt: skip
    db.session.commit()
    return waiver
