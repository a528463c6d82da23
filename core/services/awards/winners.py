"""Award periods: open one, pick winners within each category's quota, withdraw it.

Publishing is core.services.awards.publishing. Withdrawing keeps the snapshot (marked
withdrawn) and an audit entry, and reverses the winners' place rewards; it is final.
"""

import secrets
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import (
    AwardCategory,
    AwardPeriod,
    AwardSnapshot,
    AwardStatus,
    AwardWinner,
    CategoryKind,
    Employee,
    User,
    utcnow,
)
from core.services import DomainError
from core.services.audit import record_audit, record_change, record_created
from core.services.awards.candidates import candidates, ineligibility
from core.services.notices.announcements import (
    NOTICE_DAYS_MAX,
    period_is_final,
    period_notice,
    withdraw_notice,
)
from core.services.points.place_rewards import reverse_place_rewards

CITATION_MAX = 1000
# Written reasons (an override, publishing early): long enough to say something.
REASON_MIN, REASON_MAX = 3, 500
QUOTA_MAX = 50


class AwardError(DomainError):
    """The award action does not fit the period's state; `field` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def default_categories() -> list[tuple[str, CategoryKind]]:
    """The two awards of the plans, created with every period."""
    return [
        ("Service Star", CategoryKind.SERVICE_STAR),
        ("Surprise Service Star", CategoryKind.SURPRISE),
    ]


def create_period(
    name: str, starts_on: date, ends_on: date, actor: User | None, notice_days: int = 0
) -> AwardPeriod:
    """A new draft period with the default categories; commits.

    `notice_days`: how long its published results stay under public notice (0: final at once).
    """
    name = (name or "").strip()
    if not name:
        raise AwardError(_l("Give the period a name."))
    if ends_on < starts_on:
        raise AwardError(_l("The last day cannot be before the first day."))
    if not 0 <= notice_days <= NOTICE_DAYS_MAX:
        raise AwardError(_l("Between 0 and %(n)d days.", n=NOTICE_DAYS_MAX), field="notice_days")
    begin_write()
    period = AwardPeriod(name=name, starts_on=starts_on, ends_on=ends_on, notice_days=notice_days)
    period.categories = [AwardCategory(name=n, kind=k) for n, k in default_categories()]
    db.session.add(period)
    db.session.flush()
    record_created("award_period.create", period, user=actor)
    db.session.commit()
    return period


def _require_draft(period: AwardPeriod) -> None:
    if period.status is not AwardStatus.DRAFT:
        raise AwardError(_l("Winners can only change while the period is a draft."))


def written_reason(reason: str | None, field: str, missing) -> str:
    """A reason for an exception to the rules, stripped; AwardError with `missing` next to
    `field` when it says too little, or when it is too long."""
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise AwardError(missing, field=field)
    if len(reason) > REASON_MAX:
        raise AwardError(
            _l("Write a reason of at most %(n)d characters.", n=REASON_MAX), field=field
        )
    return reason


def _checked_override(category: AwardCategory, employee: Employee, reason: str | None):
    """(ineligibility reasons, override reason or None); refuses an unexplained ineligible."""
    reasons = ineligibility(category, employee, candidates(category))
    if not reasons:
        return [], None
    missing = _l(
        "%(name)s is not eligible (%(why)s). To pick them anyway, write why.",
        name=employee.display_name,
        why="; ".join(reasons),
    )
    return reasons, written_reason(reason, "override_reason", missing)


def add_winner(
    category: AwardCategory,
    employee: Employee,
    citation: str,
    actor: User | None,
    override_reason: str | None = None,
) -> AwardWinner:
    """Add a winner with a citation, at the next place, within the quota; commits.

    An ineligible candidate (candidates.ineligibility) is refused unless `override_reason`
    explains the choice; the reason is stored on the winner and in the audit log. The
    write lock comes first, so two admins adding at once cannot pass the quota.
    """
    citation = (citation or "").strip()
    if not citation or len(citation) > CITATION_MAX:
        raise AwardError(_l("Write a citation of at most %(n)d characters.", n=CITATION_MAX))
    employee_id = employee.id
    category = write_locked(AwardCategory, category.id)
    employee = db.session.get(Employee, employee_id)
    try:
        _require_draft(category.period)
        if any(w.employee_id == employee.id for w in category.winners):
            raise AwardError(_l("%(name)s already won this award.", name=employee.display_name))
        if len(category.winners) >= category.winner_quota:
            raise AwardError(
                _l("This award already has its %(n)d winners.", n=category.winner_quota)
            )
        reasons, override = _checked_override(category, employee, override_reason)
    except AwardError:
        db.session.rollback()
        raise
    winner = AwardWinner(
        employee_id=employee.id,
        citation=citation,
        rank=max((w.rank for w in category.winners), default=0) + 1,
        verification_token=secrets.token_urlsafe(32),
        override_reason=override,
    )
    category.winners.append(winner)
    db.session.flush()
    after = {"category": category.name, "employee": employee.id, "citation": citation}
    if override:
        after |= {"ineligible": reasons, "override_reason": override}
    record_audit("award_winner.add", "award_winner", winner.id, None, after, user=actor)
    db.session.commit()
    return winner


def set_quota(category_id: int, quota: int, actor: User | None) -> AwardCategory:
    """Change how many winners a draft period's category may have; commits."""
    if not 1 <= quota <= QUOTA_MAX:
        raise AwardError(_l("A quota is from 1 to %(n)d.", n=QUOTA_MAX), field="winner_quota")
    category = write_locked(AwardCategory, category_id)
    try:
        _require_draft(category.period)
        if quota < len(category.winners):
            raise AwardError(
                _l("Remove winners first: %(n)d are picked.", n=len(category.winners)),
                field="winner_quota",
            )
    except AwardError:
        db.session.rollback()
        raise
    category.winner_quota = quota
    record_change("award_category.quota", category, user=actor)
    db.session.commit()
    return category


def remove_winner(winner: AwardWinner, actor: User | None) -> None:
    """Take a winner off a draft period; commits. AwardError when another admin did first."""
    winner = write_locked(AwardWinner, winner.id)
    if winner is None:
        db.session.rollback()
        raise AwardError(_l("This winner has already been removed."))
    category = winner.category
    try:
        _require_draft(category.period)
    except AwardError:
        db.session.rollback()
        raise
    record_audit(
        "award_winner.remove",
        "award_winner",
        winner.id,
        {"category": category.name, "employee": winner.employee_id},
        None,
        user=actor,
    )
    category.winners.remove(winner)
    db.session.commit()


def withdraw_period(period_id: int, actor: User | None, reason: str) -> None:
    """Unpublish: the wall of fame drops it, certificates verify as withdrawn; commits."""
    reason = (reason or "").strip()
    if not reason:
        raise AwardError(_l("Give a reason."))
    period = write_locked(AwardPeriod, period_id)
    if period.status is not AwardStatus.PUBLISHED:
        db.session.rollback()
        raise AwardError(_l("Only a published period can be withdrawn."))
    now = utcnow()
    period.status = AwardStatus.WITHDRAWN
    period.withdrawn_at = now
    latest_snapshot(period).withdrawn_at = now
    reverse_place_rewards(period, actor, reason)
    withdraw_notice(period_notice(period.id), actor)
    record_audit(
        "award_period.withdraw",
        "award_period",
        period.id,
        {"status": "published"},
        {"status": "withdrawn", "reason": reason},
        user=actor,
    )
    db.session.commit()


def latest_snapshot(period: AwardPeriod) -> AwardSnapshot | None:
    """The period's published snapshot, if it was ever published."""
    return period.snapshots[-1] if period.snapshots else None


def published_periods() -> list[AwardPeriod]:
    """Periods on the wall of fame (published, and final after their notice), newest first."""
    return list(
        db.session.scalars(
            select(AwardPeriod)
            .where(AwardPeriod.status == AwardStatus.PUBLISHED, period_is_final())
            .order_by(AwardPeriod.ends_on.desc(), AwardPeriod.id.desc())
        )
    )


def snapshot_entry(winner: AwardWinner) -> tuple[dict, dict] | None:
    """(category, winner) entries of the published snapshot for this winner, or None."""
    snapshot = latest_snapshot(winner.category.period)
    if snapshot is None:
        return None
    for category in snapshot.results["categories"]:
        for entry in category["winners"]:
            if entry["token"] == winner.verification_token:
                return category, entry
    return None


def awards_of(employee_id: int) -> list[AwardWinner]:
    """The employee's awards in published, final periods, newest first (for their own page)."""
    return list(
        db.session.scalars(
            select(AwardWinner)
            .join(AwardCategory, AwardCategory.id == AwardWinner.category_id)
            .join(AwardPeriod, AwardPeriod.id == AwardCategory.period_id)
            .where(
                AwardWinner.employee_id == employee_id,
                AwardPeriod.status == AwardStatus.PUBLISHED,
                period_is_final(),
            )
            .order_by(AwardPeriod.ends_on.desc(), AwardWinner.id)
        )
    )
