"""Leaderboards: per-period rankings read from the aggregates, ready for templates.

The rules live in scoring/: Bayesian scores shrunk towards the period mean (over every
employee of the period, even when a branch is shown), eligibility from a minimum count,
and a deterministic order (score, then more ratings, then name, then id). Here: who is
listed (active employees with at least one verified rating in the period), who is
ranked (eligible and not barred by a disciplinary flag; the rest are listed after the
ranked, unranked), and the change of rank against the previous period.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from core.extensions import db
from core.models import Branch, Employee, EmployeePeriodDimension, EmployeePeriodStats
from core.services.points.rules import score_settings
from scoring.periods import previous_period_key
from scoring.rankings import rank_employees, ranking_key
from scoring.scores import EmployeeScore, EmployeeStatsRow, display_score, score_employees


@dataclass(frozen=True)
class LeaderboardRow:
    """One listed employee; rank None when not eligible (too few ratings or barred)."""

    rank: int | None
    employee_id: int
    name: str
    branch_id: int
    branch_name: str
    count: int
    mean: float | None
    score: float
    high_share: float | None
    eligible: bool
    previous_rank: int | None = None
    change: int | None = None
    dimensions: dict[str, float] = field(default_factory=dict)

    @property
    def display_score(self) -> str:
        """The shrunk score with two decimals."""
        return display_score(self.score)


@dataclass(frozen=True)
class Standing:
    """An employee's place in a period, overall and within their branch."""

    overall: LeaderboardRow
    in_branch: LeaderboardRow
    ranked_overall: int
    ranked_in_branch: int


@dataclass(frozen=True)
class _Listed:
    score: EmployeeScore
    branch_name: str
    barred: bool


def _read(statement) -> list:
    """Plain rows through the session's connection, skipping the ORM's row processing."""
    return db.session.connection().execute(statement).all()


def _scored(key: str) -> list[_Listed]:
    """Every active employee with ratings in the period, scored against the period mean."""
    stats = EmployeePeriodStats
    rows = _read(
        select(
            stats.employee_id,
            Employee.display_name,
            stats.branch_id,
            stats.rating_count,
            stats.score_sum,
            stats.high_count,
            Branch.name,
            Employee.active,
            Employee.disciplinary_flag,
        )
        .join(Employee, Employee.id == stats.employee_id)
        .join(Branch, Branch.id == stats.branch_id)
        .where(stats.period_key == key, stats.rating_count > 0)
    )
    settings = score_settings()
    scores = score_employees(
        (EmployeeStatsRow(*row[:6]) for row in rows), settings.prior_weight, settings.min_count
    )
    return [
        _Listed(score, branch_name, barred)
        for score, (*_, branch_name, active, barred) in zip(scores, rows, strict=True)
        if active
    ]


def _ranks(listed: list[_Listed], branch_id: int | None):
    """(ranked, unranked) of the listed employees, optionally of one branch only."""
    shown = [item for item in listed if branch_id is None or item.score.branch_id == branch_id]
    rankable = [item.score for item in shown if item.score.eligible and not item.barred]
    unranked = sorted(
        (item.score for item in shown if not (item.score.eligible and not item.barred)),
        key=ranking_key,
    )
    return rankable, unranked


def _dimension_means(key: str) -> dict[int, dict[str, float]]:
    dims = EmployeePeriodDimension
    means: dict[int, dict[str, float]] = defaultdict(dict)
    for employee_id, dimension, count, stars_sum in _read(
        select(dims.employee_id, dims.dimension, dims.rating_count, dims.stars_sum).where(
            dims.period_key == key, dims.rating_count > 0
        )
    ):
        means[employee_id][dimension] = stars_sum / count
    return means


def previous_ranks(key: str, branch_id: int | None = None) -> dict[int, int]:
    """Employee id -> rank in the period before `key` (same branch filter)."""
    rankable, _ = _ranks(_scored(previous_period_key(key)), branch_id)
    return {ranked.employee.employee_id: ranked.rank for ranked in rank_employees(rankable)}


def leaderboard(key: str, branch_id: int | None = None) -> list[LeaderboardRow]:
    """The ranking of period `key` (overall, or of one branch): ranked rows, then unranked.

    An employee's branch here is where they served in that period (the branch of their
    latest verified rating), so a transfer does not rewrite past branch rankings.
    """
    listed = _scored(key)
    branch_names = {item.score.employee_id: item.branch_name for item in listed}
    rankable, unranked = _ranks(listed, branch_id)
    ranked = rank_employees(rankable, previous_ranks(key, branch_id))
    dimensions = _dimension_means(key)

    def row(score: EmployeeScore, rank=None, previous=None, change=None) -> LeaderboardRow:
        return LeaderboardRow(
            rank=rank,
            employee_id=score.employee_id,
            name=score.name,
            branch_id=score.branch_id,
            branch_name=branch_names[score.employee_id],
            count=score.count,
            mean=score.mean,
            score=score.score,
            high_share=score.high_share,
            eligible=rank is not None,
            previous_rank=previous,
            change=change,
            dimensions=dimensions.get(score.employee_id, {}),
        )

    return [
        *(row(r.employee, r.rank, r.previous_rank, r.change) for r in ranked),
        *(row(score) for score in unranked),
    ]


def employee_standing(employee_id: int, key: str) -> Standing | None:
    """The employee's row overall and in their branch; None without ratings in the period."""
    board = leaderboard(key)
    overall = next((r for r in board if r.employee_id == employee_id), None)
    if overall is None:
        return None
    branch_board = leaderboard(key, overall.branch_id)
    in_branch = next(r for r in branch_board if r.employee_id == employee_id)
    return Standing(
        overall=overall,
        in_branch=in_branch,
        ranked_overall=sum(1 for r in board if r.rank is not None),
        ranked_in_branch=sum(1 for r in branch_board if r.rank is not None),
    )
