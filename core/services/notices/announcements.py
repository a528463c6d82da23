"""Announcing results under public notice, and when they become final.

Every frozen stage (core.services.campaign.stages) and every published award period
(core.services.awards.publishing) is announced with the notice days set on its campaign
or period. A result is final once its notice period is over and no objection is open
(`final_condition`, computed from stored facts, so the public wall needs no cron);
`settle_notices` records final_at and sends `result_final` once per notice, for the
features that act on it (run by `flask notices settle`, and by the services that may
make a result final at once: an announcement with 0 days, an answered objection).
"""

from datetime import datetime

from sqlalchemy import and_, exists, select

from core.database import begin_write
from core.extensions import db
from core.localtime import local_midnight
from core.models import (
    AwardPeriod,
    Campaign,
    CampaignStage,
    Objection,
    ObjectionStatus,
    ResultNotice,
    User,
    utcnow,
)
from core.services.audit import record_audit
from core.services.notices.events import result_final, result_withdrawn
from core.services.periods import local_day
from scoring.notice import notice_over_on

# Longer than any sensible notice; keeps a typo from hiding results for years.
NOTICE_DAYS_MAX = 90


def notice_ends(announced_at: datetime, days: int) -> datetime:
    """The moment the notice period of a result announced at `announced_at` is over."""
    day = notice_over_on(local_day(announced_at), days)
    return announced_at if day is None else local_midnight(day)


def _open_objection():
    return exists().where(
        Objection.notice_id == ResultNotice.id, Objection.status == ObjectionStatus.OPEN
    )


def final_condition(now: datetime | None = None):
    """SQL: the notice's result is final (not withdrawn, notice over, no objection open)."""
    return and_(
        ResultNotice.withdrawn_at.is_(None),
        ResultNotice.notice_ends_at <= (now or utcnow()),
        ~_open_objection(),
    )


def period_is_final():
    """SQL: the award period (AwardPeriod in the query) has a final announced result."""
    return exists().where(ResultNotice.award_period_id == AwardPeriod.id, final_condition())


def stage_is_final(campaign_id, stage):
    """SQL: the campaign stage (columns or values) has a final announced result."""
    return exists().where(
        ResultNotice.campaign_id == campaign_id, ResultNotice.stage == stage, final_condition()
    )


def is_final(notice: ResultNotice | None, now: datetime | None = None) -> bool:
    """Whether this notice's result is final now."""
    if notice is None:
        return False
    query = select(ResultNotice.id).where(ResultNotice.id == notice.id, final_condition(now))
    return db.session.scalar(query) is not None


def in_notice(notice: ResultNotice | None, now: datetime | None = None) -> bool:
    """Whether objections to this notice's result may still be filed."""
    return (
        notice is not None
        and notice.withdrawn_at is None
        and (now or utcnow()) < notice.notice_ends_at
    )


def _announce(notice: ResultNotice, actor: User | None) -> ResultNotice:
    now = utcnow()
    notice.announced_at = now
    notice.notice_ends_at = notice_ends(now, notice.notice_days)
    db.session.add(notice)
    db.session.flush()
    record_audit(
        "result.announce", "result_notice", notice.id, None,
        {"notice_days": notice.notice_days, "notice_ends_at": notice.notice_ends_at}, user=actor,
    )  # fmt: skip
    _settle(notice, now, actor)
    return notice


def announce_stage(campaign: Campaign, stage: CampaignStage, actor: User | None) -> ResultNotice:
    """Put a frozen stage's results under notice (the caller holds the lock and commits)."""
    notice = ResultNotice(campaign_id=campaign.id, stage=stage, notice_days=campaign.notice_days)
    return _announce(notice, actor)


def announce_period(period: AwardPeriod, actor: User | None) -> ResultNotice:
    """Put a published award period under notice (the caller holds the lock and commits)."""
    notice = ResultNotice(award_period_id=period.id, notice_days=period.notice_days)
    return _announce(notice, actor)


def stage_notice(campaign_id: int, stage: CampaignStage) -> ResultNotice | None:
    """The current (not withdrawn) announcement of a campaign stage's results."""
    query = select(ResultNotice).where(
        ResultNotice.campaign_id == campaign_id,
        ResultNotice.stage == stage,
        ResultNotice.withdrawn_at.is_(None),
    )
    return db.session.scalar(query.order_by(ResultNotice.id.desc()).limit(1))


def period_notice(period_id: int) -> ResultNotice | None:
    """The current (not withdrawn) announcement of an award period's results."""
    query = select(ResultNotice).where(
        ResultNotice.award_period_id == period_id, ResultNotice.withdrawn_at.is_(None)
    )
    return db.session.scalar(query.order_by(ResultNotice.id.desc()).limit(1))


def withdraw_notice(notice: ResultNotice | None, actor: User | None) -> None:
    """The result is no longer announced; a final one is undone (the caller commits)."""
    if notice is None or notice.withdrawn_at is not None:
        return
    notice.withdrawn_at = utcnow()
    record_audit(
        "result.withdraw", "result_notice", notice.id, None,
        {"was_final": notice.final_at is not None}, user=actor,
    )  # fmt: skip
    if notice.final_at is not None:
        result_withdrawn.send(notice, actor=actor)


def _settle(notice: ResultNotice, now: datetime, actor: User | None) -> bool:
    """Record that the notice's result became final, once (the caller commits)."""
    if notice.final_at is not None or not is_final(notice, now):
        return False
    notice.final_at = now
    record_audit("result.final", "result_notice", notice.id, None, {"final_at": now}, user=actor)
    result_final.send(notice, actor=actor)
    return True


def settle_notice(notice: ResultNotice, actor: User | None) -> bool:
    """Within a service's transaction: mark the notice final if it is now."""
    db.session.flush()
    return _settle(notice, utcnow(), actor)


def settle_notices(actor: User | None = None) -> int:
    """Mark every result final whose notice is over with no objection open; commits.

    Idempotent: a result already marked is left alone, so cron may run it any time.
    """
    begin_write()
    now = utcnow()
    pending = select(ResultNotice).where(ResultNotice.final_at.is_(None), final_condition(now))
    # Two runs at once take turns on the rows (PostgreSQL re-checks final_at after the wait).
    pending = pending.with_for_update(of=ResultNotice)
    settled = sum(_settle(notice, now, actor) for notice in db.session.scalars(pending).all())
    db.session.commit()
    return settled
