"""What the dashboard shows: ratings per day, dimension averages, top and bottom, tasks
(and an alert when today's SMS budget is spent)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, true

from core.extensions import db
from core.models import (
    Employee,
    EmployeePeriodDimension,
    EmployeePeriodStats,
    FollowUpState,
    FollowUpTask,
    Rating,
    RatingStatus,
    Redemption,
    RedemptionStatus,
)
from core.services.periods import COUNTED_AT, local_day, period_days
from core.services.ratings.code_limits import SmsBudget, sms_budget
from core.services.ratings.followups import overdue_count
from core.services.ratings.leaderboard import LeaderboardRow, leaderboard
from core.services.ratings.moderation import open_disputes, open_surprise_claims

TOP_SIZE = 5


@dataclass(frozen=True)
class Tasks:
    """Work waiting for the signed-in user, in the branches they see."""

    redemptions: int
    surprises: int
    disputes: int
    followups_open: int
    followups_overdue: int
    # Today's SMS codes reached SMS_DAILY_BUDGET: SMS is off until midnight (site time).
    sms_budget: SmsBudget


def _in(column, branch_ids: set[int] | None):
    return true() if branch_ids is None else column.in_(sorted(branch_ids) or [0])


def ratings_per_day(key: str, branch_ids: set[int] | None) -> list[tuple[date, int]]:
    """Verified ratings of the period counted by the local day they were verified."""
    counted = db.session.scalars(
        select(COUNTED_AT).where(
            Rating.period_key == key,
            Rating.status == RatingStatus.VERIFIED,
            _in(Rating.branch_id, branch_ids),
        )
    )
    per_day = Counter(local_day(moment) for moment in counted)
    return [(day, per_day.get(day, 0)) for day in period_days(key)]


def dimension_means(key: str, branch_ids: set[int] | None) -> list[tuple[str, float, int]]:
    """(dimension, mean stars, ratings) over the period, dimensions in name order."""
    dims = EmployeePeriodDimension
    rows = db.session.execute(
        select(dims.dimension, func.sum(dims.stars_sum), func.sum(dims.rating_count))
        .join(Employee, Employee.id == dims.employee_id)
        .where(dims.period_key == key, _in(Employee.branch_id, branch_ids))
        .group_by(dims.dimension)
        .order_by(dims.dimension)
    )
    means = [(name, stars / count, count) for name, stars, count in rows if count]
    stats = EmployeePeriodStats
    overall_sum, count = db.session.execute(
        select(func.sum(stats.overall_sum), func.sum(stats.rating_count)).where(
            stats.period_key == key, _in(stats.branch_id, branch_ids)
        )
    ).one()
    return [("overall", overall_sum / count, count), *means] if count else means


def top_and_bottom(
    key: str, branch_ids: set[int] | None
) -> tuple[list[LeaderboardRow], list[LeaderboardRow]]:
    """The best and the weakest ranked employees of the period in the visible branches."""
    board = [row for row in leaderboard(key) if row.rank is not None]
    if branch_ids is not None:
        board = [row for row in board if row.branch_id in branch_ids]
    bottom = [row for row in reversed(board[TOP_SIZE:])][:TOP_SIZE]
    return board[:TOP_SIZE], bottom


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def waiting_tasks(branch_ids: set[int] | None) -> Tasks:
    """Counts of what is waiting: redemption requests, surprise claims, disputes, follow-ups;
    and the SMS budget of the whole site (the template alerts admins when it is spent)."""
    redemptions = (
        select(Redemption.id)
        .join(Employee, Employee.id == Redemption.employee_id)
        .where(Redemption.status == RedemptionStatus.REQUESTED, _in(Employee.branch_id, branch_ids))
    )
    followups = select(FollowUpTask.id).where(
        FollowUpTask.state != FollowUpState.RESOLVED, _in(FollowUpTask.branch_id, branch_ids)
    )
    return Tasks(
        redemptions=_count(redemptions),
        surprises=_count(open_surprise_claims(branch_ids)),
        disputes=_count(open_disputes(branch_ids)),
        followups_open=_count(followups),
        followups_overdue=overdue_count(branch_ids),
        sms_budget=sms_budget(),
    )
