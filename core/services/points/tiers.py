"""Score tiers at period end: each employee's tier fixed, its extra points entered once.

`close_period` (the `flask points close-period` command and a button on the rules page)
runs after a period ends: every employee with ratings in it gets a PeriodTier row (tier,
fair score, points earned from the period's ratings, extra) and one TIER ledger entry
for the extra (scoring.tiers has the arithmetic). Closing again changes nothing.

A rating of a closed period hidden later changes what the period earned and its scores
(the hidden rating leaves the period mean too), so `correct_tiers_after_hiding`
recomputes the period with the tier rules stored at closing and enters the difference
as a new entry, for every employee whose extra changed. Nothing is edited; a negative
correction takes at most the balance, as a reversal does.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, literal_column, select

from core.database import begin_write
from core.extensions import db
from core.models import EntryKind, PeriodTier, PointsEntry, Rating, User, utcnow
from core.services import DomainError
from core.services.audit import record_audit
from core.services.periods import current_period_key, period_window
from core.services.points.ledger import append_capped
from core.services.points.rules import current_points_rules
from core.services.ratings.leaderboard import LeaderboardRow, leaderboard
from core.services.ratings.leaderboard_ranks import store_ranks
from scoring.tiers import ScoreTier, checked_tiers, score_to_next_tier, tier_extra, tier_index


class PeriodNotOver(DomainError):
    """Tiers are fixed only once the period has ended."""


@dataclass(frozen=True)
class TierResult:
    """What the tier rules give one employee for one period."""

    employee_id: int
    tier: int  # 1-based
    score: float | None
    earned: int
    extra: int


@dataclass(frozen=True)
class TierOutlook:
    """An employee's tier in the current period so far, and what the next one needs."""

    tier: int  # 1-based
    tiers: tuple[ScoreTier, ...]
    score: float | None
    ranked: bool
    earned: int
    extra: int
    to_next: float | None  # score points to the next tier; None at the top


def earned_in_period(key: str, employee_ids: list[int] | None = None) -> dict[int, int]:
    """Points the employees earned from the period's ratings, net of reversals."""
    rating_key = literal_column("'rating:'").concat(cast(Rating.id, String))
    query = (
        select(Rating.employee_id, func.sum(PointsEntry.amount))
        .join(PointsEntry, PointsEntry.source_key == rating_key)
        .where(
            Rating.period_key == key,
            PointsEntry.kind.in_([EntryKind.EARNED, EntryKind.REVERSAL]),
        )
        .group_by(Rating.employee_id)
    )
    if employee_ids is not None:
        query = query.where(Rating.employee_id.in_(employee_ids or [0]))
    return {employee_id: int(total or 0) for employee_id, total in db.session.execute(query)}


def _result(row: LeaderboardRow, earned: int, tiers) -> TierResult:
    score = row.score if row.eligible else None
    index = tier_index(score, tiers)
    return TierResult(row.employee_id, index + 1, score, earned, tier_extra(earned, tiers[index]))


def period_results(key: str, tiers) -> list[TierResult]:
    """Every listed employee's tier result for the period under these tier rules."""
    board = leaderboard(key)
    earned = earned_in_period(key)
    return [_result(row, earned.get(row.employee_id, 0), tiers) for row in board]


def _tier_reason(key: str, result: TierResult, tiers) -> str:
    tier = tiers[result.tier - 1]
    return f"{key}: tier {result.tier} (x{tier.multiplier:g} of {result.earned}, +{tier.bonus})"


def _fixed_employee_ids(key: str) -> set[int]:
    query = select(PeriodTier.employee_id).where(PeriodTier.period_key == key)
    return set(db.session.scalars(query))


def _fix(key: str, result: TierResult, tiers, actor: User | None) -> None:
    """Store the employee's tier of the period and enter its extra points."""
    db.session.add(
        PeriodTier(
            period_key=key,
            employee_id=result.employee_id,
            tier=result.tier,
            score=result.score,
            earned=result.earned,
            extra=result.extra,
            tiers=[tier.to_dict() for tier in tiers],
            closed_by_id=actor.id if actor is not None else None,
        )
    )
    if result.extra:
        source = f"tier:{key}:{result.employee_id}"
        reason = _tier_reason(key, result, tiers)
        append_capped(result.employee_id, result.extra, EntryKind.TIER, source, actor, reason)


def close_period(key: str, actor: User | None) -> list[TierResult]:
    """Fix every employee's tier of an ended period, enter their extra points and store
    the period's ranking (for the next period's rank changes); commits.

    Employees already fixed are left as they are, so closing twice enters nothing twice;
    the ranking is stored again (a period closed before rankings were stored gets one).
    """
    try:
        _start, end = period_window(key)
    except ValueError as error:
        raise PeriodNotOver(_l("“%(key)s” is not a period.", key=key)) from error
    if end > utcnow():
        raise PeriodNotOver(_l("The period %(key)s has not ended yet.", key=key))
    begin_write()
    store_ranks(key)
    tiers = current_points_rules().tiers
    fixed = _fixed_employee_ids(key)
    results = [r for r in period_results(key, tiers) if r.employee_id not in fixed]
    for result in results:
        _fix(key, result, tiers, actor)
    after = {"period": key, "employees": len(results), "extra": sum(r.extra for r in results)}
    record_audit("points.close_period", "period", key, None, after, user=actor)
    db.session.commit()
    return results


def correct_tiers_after_hiding(rating: Rating, actor: User | None) -> None:
    """After `rating` was hidden (same transaction, not committed): when its period is
    closed, enter the change of each employee's extra as a new TIER entry."""
    rows = {
        row.employee_id: row
        for row in db.session.scalars(
            select(PeriodTier).where(PeriodTier.period_key == rating.period_key)
        )
    }
    if not rows:
        return
    db.session.flush()  # the leaderboard reads the aggregates the hiding changed
    some_row = next(iter(rows.values()))
    tiers = checked_tiers(some_row.tiers)
    for result in period_results(rating.period_key, tiers):
        row = rows.get(result.employee_id)
        if row is None or result.extra == row.extra:
            continue
        source = f"tier:{rating.period_key}:{row.employee_id}:hidden:{rating.id}"
        reason = f"{_tier_reason(rating.period_key, result, tiers)}; rating {rating.id} hidden"
        change = result.extra - row.extra
        entry = append_capped(row.employee_id, change, EntryKind.TIER, source, actor, reason)
        row.tier, row.score, row.earned = result.tier, result.score, result.earned
        row.extra += entry.amount


def tier_outlook(employee_id: int, row: LeaderboardRow | None) -> TierOutlook:
    """The employee's tier in the current period so far (provisional until it is closed).

    `row` is the employee's leaderboard row of this period (None without ratings), which
    the caller already has: ranking the whole period again here would double the work.
    """
    key = current_period_key()
    tiers = current_points_rules().tiers
    earned = earned_in_period(key, [employee_id]).get(employee_id, 0)
    score = row.score if row is not None and row.eligible else None
    index = tier_index(score, tiers)
    return TierOutlook(
        tier=index + 1,
        tiers=tiers,
        score=row.score if row is not None else None,
        ranked=score is not None,
        earned=earned,
        extra=tier_extra(earned, tiers[index]),
        to_next=score_to_next_tier(score, tiers) if score is not None else None,
    )


def fixed_tiers(employee_id: int, limit: int = 6) -> list[PeriodTier]:
    """The employee's closed periods' tiers, newest first."""
    return list(
        db.session.scalars(
            select(PeriodTier)
            .where(PeriodTier.employee_id == employee_id)
            .order_by(PeriodTier.period_key.desc())
            .limit(limit)
        )
    )


def latest_tier(employee_id: int) -> int:
    """The tier fixed for the employee's latest closed period; 1 before any."""
    tier = db.session.scalar(
        select(PeriodTier.tier)
        .where(PeriodTier.employee_id == employee_id)
        .order_by(PeriodTier.period_key.desc())
        .limit(1)
    )
    return tier or 1
