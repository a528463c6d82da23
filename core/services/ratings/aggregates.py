"""Per-employee, per-period rating aggregates, kept up with each rating they count.

EmployeePeriodStats and EmployeePeriodDimension hold sums of the VERIFIED ratings, so a
leaderboard reads about one row per employee instead of scanning every rating. They are
changed in the same transaction as the rating they count, by increments done in SQL,
so concurrent verifications never lose an update. Checks and repair: stats_check.py.
"""

from sqlalchemy import insert, update
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import EmployeePeriodDimension, EmployeePeriodStats, Rating
from scoring.scores import HIGH_STARS


def increment_row(model, key: dict, increments: dict, extra: dict | None = None) -> None:
    """Add `increments` to the row of `model` with primary key `key`, creating it if missing.

    The common case is one UPDATE. When the row does not exist yet an INSERT inside a
    SAVEPOINT creates it; if a concurrent transaction inserted it first (IntegrityError
    on the primary key) the savepoint is rolled back and the UPDATE retried. `extra`
    values (not increments) are set on both paths.
    """
    if _update_row(model, key, increments, extra):
        return
    try:
        with db.session.begin_nested():
            db.session.execute(insert(model).values(**key, **increments, **(extra or {})))
    except IntegrityError:
        if not _update_row(model, key, increments, extra):
            raise


def _update_row(model, key: dict, increments: dict, extra: dict | None) -> bool:
    values = {name: getattr(model, name) + amount for name, amount in increments.items()}
    where = [getattr(model, name) == value for name, value in key.items()]
    # The ORM update also refreshes a copy of the row already loaded in the session.
    result = db.session.execute(update(model).where(*where).values(**values, **(extra or {})))
    return result.rowcount == 1


def rating_stars(rating: Rating) -> dict[str, int]:
    """The rating's stars by dimension, overall included, as scoring.rating_score takes them."""
    return {**{star.dimension: star.stars for star in rating.stars}, "overall": rating.overall}


def apply_rating(rating: Rating, sign: int) -> None:
    """Add (sign=+1) or remove (sign=-1) a scored rating from its employee's period sums."""
    key = {"employee_id": rating.employee_id, "period_key": rating.period_key}
    increments = {
        "rating_count": sign,
        "score_sum": sign * rating.score,
        "overall_sum": sign * rating.overall,
        "high_count": sign if rating.overall >= HIGH_STARS else 0,
    }
    # The branch where the employee served; a transfer moves later ratings only.
    extra = {"branch_id": rating.branch_id} if sign > 0 else None
    increment_row(EmployeePeriodStats, key, increments, extra)
    for star in rating.stars:
        increment_row(
            EmployeePeriodDimension,
            {**key, "dimension": star.dimension},
            {"rating_count": sign, "stars_sum": sign * star.stars},
        )
