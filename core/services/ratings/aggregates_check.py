"""`flask scores verify` and `rebuild`: recompute aggregates and balances from raw rows.

The raw rows are the ratings (VERIFIED ones count) and the points ledger. Besides the
aggregates and balances, two slips that would corrupt them are checked: a verified
rating without a score, and a verified rating without its EARNED entry (both happen
only when a rating was verified without core.services.points.ledger.count_verified_rating).
"""

import math
from dataclasses import dataclass

from sqlalchemy import (
    String,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    update,
)

from core.extensions import db
from core.models import (
    EmployeeBalance,
    EmployeePeriodDimension,
    EmployeePeriodStats,
    EntryKind,
    PointsEntry,
    Rating,
    RatingStar,
    RatingStatus,
)
from core.services.points.rules import current_points_rules
from core.services.ratings.aggregates import rating_stars
from core.services.ratings.leaderboard_ranks import refresh_every_stored_ranking
from core.services.settings import settings_at
from scoring.points import points_for_rating
from scoring.scores import HIGH_STARS, rating_score

# Float sums of rating scores (4 decimals each) may differ in the last bits.
SCORE_SUM_TOLERANCE = 1e-6
REBUILD_REASON = "credited by flask scores rebuild"


@dataclass(frozen=True)
class Drift:
    """One stored aggregate that differs from what the raw rows say."""

    table: str
    key: tuple
    stored: tuple | None
    expected: tuple | None

    def describe(self) -> str:
        """One line for the console."""
        key = "/".join(str(part) for part in self.key)
        return f"{self.table} {key}: stored {self.stored}, expected {self.expected}"


def _verified():
    return Rating.status == RatingStatus.VERIFIED


def _expected_stats_query():
    high = func.sum(case((Rating.overall >= HIGH_STARS, 1), else_=0))
    return (
        select(
            Rating.employee_id,
            Rating.period_key,
            func.count(),
            func.sum(Rating.score),
            func.sum(Rating.overall),
            high,
        )
        .where(_verified())
        .group_by(Rating.employee_id, Rating.period_key)
    )


def _expected_dimension_query():
    return (
        select(
            Rating.employee_id,
            Rating.period_key,
            RatingStar.dimension,
            func.count(),
            func.sum(RatingStar.stars),
        )
        .join(RatingStar, RatingStar.rating_id == Rating.id)
        .where(_verified())
        .group_by(Rating.employee_id, Rating.period_key, RatingStar.dimension)
    )


def _expected_balance_query():
    return select(PointsEntry.employee_id, func.sum(PointsEntry.amount)).group_by(
        PointsEntry.employee_id
    )


def _same(stored: tuple | None, expected: tuple | None) -> bool:
    """Equal, treating a stored row of zeros as a missing one and floats with tolerance."""
    stored = None if stored is not None and not any(stored) else stored
    expected = None if expected is not None and not any(expected) else expected
    if stored is None or expected is None:
        return stored is expected
    return all(
        math.isclose(s or 0, e or 0, abs_tol=SCORE_SUM_TOLERANCE)
        for s, e in zip(stored, expected, strict=True)
    )


def _compare(table: str, stored: dict, expected: dict) -> list[Drift]:
    drifts = []
    for key in sorted(stored.keys() | expected.keys(), key=lambda k: tuple(map(str, k))):
        if not _same(stored.get(key), expected.get(key)):
            drifts.append(Drift(table, key, stored.get(key), expected.get(key)))
    return drifts


def _rows_by_key(rows, key_len: int) -> dict:
    return {tuple(row[:key_len]): tuple(row[key_len:]) for row in rows}


def _unscored_ratings() -> list[Rating]:
    return list(
        db.session.scalars(
            select(Rating).where(_verified(), Rating.score.is_(None)).order_by(Rating.id)
        )
    )


def _uncredited_ratings() -> list[Rating]:
    """Verified ratings without their EARNED entry (an index lookup each, no Python sets)."""
    source_key = literal("rating:", String) + cast(Rating.id, String(20))
    earned = exists().where(
        PointsEntry.kind == EntryKind.EARNED, PointsEntry.source_key == source_key
    )
    return list(db.session.scalars(select(Rating).where(_verified(), ~earned).order_by(Rating.id)))


def _score_when_verified(rating: Rating) -> float:
    """The score with the weights in force when the rating was verified, never today's."""
    return rating_score(rating_stars(rating), settings_at(rating.verified_at).weights)


def _rating_drift() -> list[Drift]:
    rules = current_points_rules()
    return [
        *(
            Drift("rating_score", (r.id,), (None,), (_score_when_verified(r),))
            for r in _unscored_ratings()
        ),
        *(
            Drift("points_entry", (f"rating:{r.id}",), None,
                  ("earned", points_for_rating(r.overall, rules)))
            for r in _uncredited_ratings()
        ),
    ]  # fmt: skip


def _repair_ratings() -> None:
    """Score unscored verified ratings (with the weights of their day) and credit missing
    EARNED points (with today's rules)."""
    rules = current_points_rules()
    for rating in _unscored_ratings():
        rating.score = _score_when_verified(rating)
    for rating in _uncredited_ratings():
        db.session.add(
            PointsEntry(
                employee_id=rating.employee_id,
                amount=points_for_rating(rating.overall, rules),
                kind=EntryKind.EARNED,
                source_key=f"rating:{rating.id}",
                reason=REBUILD_REASON,
            )
        )
    db.session.flush()


def find_drift() -> list[Drift]:
    """Recompute every aggregate and balance from ratings and ledger; list the differences."""
    session = db.session
    rating_drift = _rating_drift()
    stats = EmployeePeriodStats
    stored_stats = session.execute(
        select(
            stats.employee_id,
            stats.period_key,
            stats.rating_count,
            stats.score_sum,
            stats.overall_sum,
            stats.high_count,
        )
    ).all()
    dims = EmployeePeriodDimension
    stored_dims = session.execute(
        select(dims.employee_id, dims.period_key, dims.dimension, dims.rating_count, dims.stars_sum)
    ).all()
    stored_balances = session.execute(
        select(EmployeeBalance.employee_id, EmployeeBalance.balance)
    ).all()
    return [
        *rating_drift,
        *_compare(
            "employee_period_stats",
            _rows_by_key(stored_stats, 2),
            _rows_by_key(session.execute(_expected_stats_query()).all(), 2),
        ),
        *_compare(
            "employee_period_dimension",
            _rows_by_key(stored_dims, 3),
            _rows_by_key(session.execute(_expected_dimension_query()).all(), 3),
        ),
        *_compare(
            "employee_balance",
            _rows_by_key(stored_balances, 1),
            _rows_by_key(session.execute(_expected_balance_query()).all(), 1),
        ),
    ]


def _lock_aggregates() -> None:
    """Keep writers out while the aggregates are rebuilt (SQLite: begin_write already does)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text(
                "LOCK TABLE employee_period_stats, employee_period_dimension, employee_balance "
                "IN EXCLUSIVE MODE"
            )
        )


def rebuild_aggregates() -> list[Drift]:
    """Replace every aggregate and balance with values recomputed from the raw rows; commit.

    Returns the drift found before the repair. Call after core.database.begin_write().
    The branch of a period row is the branch of the employee's latest verified rating.
    """
    _lock_aggregates()
    drifts = find_drift()
    _repair_ratings()
    session = db.session
    session.execute(delete(EmployeePeriodDimension))
    session.execute(delete(EmployeePeriodStats))
    session.execute(delete(EmployeeBalance))
    latest_branch = (
        select(Rating.branch_id)
        .where(
            _verified(),
            Rating.employee_id == EmployeePeriodStats.employee_id,
            Rating.period_key == EmployeePeriodStats.period_key,
        )
        .order_by(Rating.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    expected_stats = _expected_stats_query().add_columns(func.max(Rating.branch_id))
    session.execute(
        insert(EmployeePeriodStats).from_select(
            [
                "employee_id",
                "period_key",
                "rating_count",
                "score_sum",
                "overall_sum",
                "high_count",
                "branch_id",
            ],
            expected_stats,
        )
    )
    session.execute(
        update(EmployeePeriodStats).values(branch_id=latest_branch),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        insert(EmployeePeriodDimension).from_select(
            ["employee_id", "period_key", "dimension", "rating_count", "stars_sum"],
            _expected_dimension_query(),
        )
    )
    session.execute(
        insert(EmployeeBalance).from_select(["employee_id", "balance"], _expected_balance_query())
    )
    # Closed periods' rankings were stored from the aggregates just replaced.
    refresh_every_stored_ranking()
    session.commit()
    return drifts
