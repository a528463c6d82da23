"""What an upheld objection does to an announced result (the caller holds the write lock,
records the answer and commits).

A stage's results are recomputed (as they stood when the stage closed, with whatever was
corrected since: a hidden rating, a waiver) and announced anew, or the stage is reopened:
its frozen results are dropped and the admin closes it again later. Both only while the
stage is the last one closed; and once the next round has begun (votes or evaluations are
in), only a recompute that leaves the same candidates going through. An award period's
publication is withdrawn back to draft; the admin corrects it and publishes again.
"""

from flask_babel import gettext as _
from sqlalchemy import delete, exists, select

from core.extensions import db
from core.models import (
    AwardPeriod,
    AwardStatus,
    BallotUse,
    Campaign,
    CampaignStage,
    JudgeScore,
    ResultNotice,
    SelfEvaluation,
    StageResult,
    SupervisorEvaluation,
    User,
    VoteTally,
    utcnow,
)
from core.models.campaign import EVALUATED_ROUNDS
from core.services import DomainError
from core.services.audit import record_audit
from core.services.awards.winners import latest_snapshot
from core.services.campaign.results import (
    freeze_stage,
    published_results,
    stage_gaps,
    stage_results,
)
from core.services.campaign.rounds import next_stage, round_candidates
from core.services.notices.announcements import announce_stage, withdraw_notice


class RemedyRefused(DomainError):
    """The upheld objection cannot be carried out this way; the message says why."""


def _locked_campaign(notice: ResultNotice) -> Campaign:
    campaign = db.session.get(
        Campaign, notice.campaign_id, with_for_update=True, populate_existing=True
    )
    if campaign.stage is not next_stage(notice.stage):
        raise RemedyRefused(
            _("A later stage has closed since: these results can no longer be changed.")
        )
    return campaign


def _round_begun(campaign: Campaign, round_: CampaignStage) -> bool:
    """Whether anyone voted or evaluated in the round yet."""
    if round_ not in EVALUATED_ROUNDS:
        return False
    return any(
        db.session.scalar(
            select(exists().where(model.campaign_id == campaign.id, model.round == round_))
        )
        for model in (BallotUse, SupervisorEvaluation, SelfEvaluation, JudgeScore)
    )


def _drop_vote_counters(campaign: Campaign, round_: CampaignStage) -> None:
    db.session.execute(
        delete(VoteTally).where(VoteTally.campaign_id == campaign.id, VoteTally.round == round_)
    )


def _drop_results(campaign: Campaign, stage: CampaignStage) -> None:
    db.session.execute(
        delete(StageResult).where(
            StageResult.campaign_id == campaign.id, StageResult.stage == stage
        )
    )


def reopen_stage(notice: ResultNotice, actor: User | None) -> None:
    """The stage is open again: its frozen results and announcement are gone."""
    campaign = _locked_campaign(notice)
    upcoming = campaign.stage
    if _round_begun(campaign, upcoming):
        raise RemedyRefused(
            _("The next round has begun (votes or evaluations are in): recompute instead.")
        )
    _drop_vote_counters(campaign, upcoming)
    _drop_results(campaign, notice.stage)
    withdraw_notice(notice, actor)
    campaign.stage = notice.stage
    record_audit(
        "campaign.reopen", "campaign", campaign.id,
        {"stage": upcoming.value}, {"stage": notice.stage.value}, user=actor,
    )  # fmt: skip


def _passed_ids(rows) -> set[int]:
    return {row.employee_id for row in rows if row.passed}


def recompute_stage(notice: ResultNotice, actor: User | None) -> ResultNotice:
    """Freeze the stage's results again as of its closing and announce them anew."""
    campaign = _locked_campaign(notice)
    stage, upcoming = notice.stage, campaign.stage
    frozen = published_results(campaign, stage)
    # As the stage stood when it closed, with what was corrected since.
    frozen_at = max((row.published_at for row in frozen), default=notice.announced_at)
    results = stage_results(campaign, stage, as_of=frozen_at)
    if stage_gaps(results):
        raise RemedyRefused(
            _("The recomputed results lack a source: give or waive it, then answer again.")
        )
    before = _passed_ids(frozen)
    after = {r.employee.id for r in results if r.passed}
    if before != after and _round_begun(campaign, upcoming):
        raise RemedyRefused(
            _(
                "Recomputed, other candidates would go through, but the next round has "
                "begun (votes or evaluations are in)."
            )
        )
    _drop_results(campaign, stage)
    freeze_stage(campaign, stage, results, frozen_at)
    if before != after and upcoming in EVALUATED_ROUNDS:
        _drop_vote_counters(campaign, upcoming)
        for candidate in round_candidates(campaign, upcoming):
            db.session.add(
                VoteTally(campaign_id=campaign.id, round=upcoming, candidate_id=candidate.id)
            )
    withdraw_notice(notice, actor)
    record_audit(
        "campaign.recompute", "campaign", campaign.id,
        {"stage": stage.value, "passed": sorted(before)},
        {"stage": stage.value, "passed": sorted(after)}, user=actor,
    )  # fmt: skip
    return announce_stage(campaign, stage, actor)


def withdraw_to_draft(notice: ResultNotice, actor: User | None) -> None:
    """The award period's publication is withdrawn: a draft again, to correct and republish."""
    period = db.session.get(
        AwardPeriod, notice.award_period_id, with_for_update=True, populate_existing=True
    )
    if period.status is not AwardStatus.PUBLISHED:
        raise RemedyRefused(_("This award period is not published any more."))
    latest_snapshot(period).withdrawn_at = utcnow()
    period.status = AwardStatus.DRAFT
    period.published_at = None
    period.early_publish_reason = None
    withdraw_notice(notice, actor)
    record_audit(
        "award_period.unpublish", "award_period", period.id,
        {"status": "published"}, {"status": "draft"}, user=actor,
    )  # fmt: skip
