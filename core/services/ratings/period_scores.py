"""A period's employees scored for its leaderboard: one read of the aggregates.

The read takes what ranking needs of every employee of the period (id, name, branch,
count, sums); branch names come from the small branch table for the rows a page shows,
and who is inactive or barred from the few employees who are (unrankable, read once
per board). Joining the branch and every flag to every row cost more than scoring them
(profile in bench/RESULTS.md).
"""

from dataclasses import dataclass

from sqlalchemy import not_, or_, select

from core.extensions import db
from core.models import Branch, Employee, EmployeePeriodStats
from core.services.points.rules import ScoreSettings, score_settings
from scoring.scores import EmployeeScore, score_totals


@dataclass(frozen=True)
class PeriodScores:
    """Everyone with verified ratings in the period (the inactive too), scored against
    the period mean with `settings`."""

    scores: list[EmployeeScore]
    inactive: set[int]
    barred: set[int]
    settings: ScoreSettings


def read(statement) -> list:
    """Plain rows through the session's connection, skipping the ORM's row processing."""
    return db.session.connection().execute(statement).all()


def unrankable() -> tuple[set[int], set[int]]:
    """(inactive ids, barred ids): employees who are not listed, or listed unranked."""
    rows = read(
        select(Employee.id, Employee.active, Employee.disciplinary_flag).where(
            or_(not_(Employee.active), Employee.disciplinary_flag)
        )
    )
    inactive = {employee_id for employee_id, active, _ in rows if not active}
    return inactive, {employee_id for employee_id, _, flagged in rows if flagged}


def period_scores(key: str, exceptions: tuple[set[int], set[int]] | None = None) -> PeriodScores:
    """The period's scores (scoring.scores.score_totals); `exceptions` as unrankable()
    gives them, read here when not given."""
    stats = EmployeePeriodStats
    rows = read(
        select(
            stats.employee_id,
            Employee.display_name,
            stats.branch_id,
            stats.rating_count,
            stats.score_sum,
            stats.high_count,
        )
        .join(Employee, Employee.id == stats.employee_id)
        .where(stats.period_key == key, stats.rating_count > 0)
    )
    settings = score_settings()
    inactive, barred = exceptions if exceptions is not None else unrankable()
    scores = score_totals(rows, settings.prior_weight, settings.min_count)
    return PeriodScores(scores, inactive, barred, settings)


def branch_names() -> dict[int, str]:
    """Branch id -> name, of every branch."""
    return dict(read(select(Branch.id, Branch.name)))
