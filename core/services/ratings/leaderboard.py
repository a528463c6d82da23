"""Leaderboards: per-period rankings read from the aggregates, ready for templates.

The rules live in scoring/: Bayesian scores shrunk towards the period mean (over every
employee of the period, even when a branch is shown), eligibility from a minimum count,
and a deterministic order (score, then more ratings, then name, then id). Here: who is
listed (active employees with at least one verified rating in the period), who is
ranked (eligible and not barred by a disciplinary flag; the rest are listed after the
ranked, unranked), and the change of rank against the previous period: read from its
stored ranking when it was closed (leaderboard_ranks), ranked here when it was not.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from core.models import EmployeePeriodDimension
from core.services.points.rules import score_settings
from core.services.ratings.leaderboard_ranks import stored_order
from core.services.ratings.period_scores import branch_names, period_scores, read, unrankable
from scoring.gc_pause import without_cycle_collection
from scoring.periods import previous_period_key
from scoring.rankings import (
    ranked_slice,
    ranking_key,
    ranking_order,
    ranks_by_id,
)
from scoring.scores import EmployeeScore, display_score


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
class LeaderboardPage:
    """One page of a ranking: its rows, and how many rows and pages the whole has."""

    rows: list[LeaderboardRow]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class _Period:
    """A period's listed employees, scored (plain named tuples, no row objects yet)."""

    listed: list[EmployeeScore]
    barred: set[int]


@dataclass(frozen=True)
class _Before:
    """The period before, for rank changes: its stored order (leaderboard_ranks), or,
    when none is stored, its scores to rank; `unranked` are today's inactive and barred."""

    stored: list[tuple[int, int]] | None
    period: _Period | None
    unranked: set[int]


@dataclass(frozen=True)
class _Board:
    """A ranking before its rows are built: the ranked in ranking order (rank = position +
    1), the previous period's ranks, then the unranked. Rows are built only when shown."""

    ranked: list[EmployeeScore]
    previous: dict[int, int]
    unranked: list[EmployeeScore]

    @property
    def total(self) -> int:
        return len(self.ranked) + len(self.unranked)


def _period(key: str, exceptions: tuple[set[int], set[int]]) -> _Period:
    """Every active employee with ratings in the period, scored against the period mean.

    The mean is over every employee of the period, the inactive too; only active ones
    are listed. `exceptions` is (inactive ids, barred ids), read once per board.
    """
    scored = period_scores(key, exceptions)
    listed = scored.scores
    if scored.inactive:
        listed = [s for s in listed if s.employee_id not in scored.inactive]
    return _Period(listed, scored.barred)


def _before(key: str, exceptions: tuple[set[int], set[int]]) -> _Before:
    """The period before `key`: stored ranks when its ranking is stored, else its scores."""
    previous_key = previous_period_key(key)
    stored = stored_order(previous_key, score_settings())
    inactive, barred = exceptions
    if stored is not None:
        return _Before(stored, None, inactive | barred)
    return _Before(None, _period(previous_key, exceptions), inactive | barred)


def _split(period: _Period, branch_id: int | None):
    """(rankable, unranked) of the listed employees, optionally of one branch only."""
    shown = period.listed
    if branch_id is not None:
        shown = [s for s in shown if s.branch_id == branch_id]
    barred = period.barred
    rankable = [s for s in shown if s.eligible and s.employee_id not in barred]
    unranked = sorted(
        (s for s in shown if not (s.eligible and s.employee_id not in barred)), key=ranking_key
    )
    return rankable, unranked


def _previous_ranks(before: _Before, branch_id: int | None) -> dict[int, int]:
    if before.stored is None:
        rankable, _ = _split(before.period, branch_id)
        return ranks_by_id(ranking_order(rankable))
    unranked = before.unranked
    ids = [
        employee_id
        for employee_id, branch in before.stored
        if employee_id not in unranked and (branch_id is None or branch == branch_id)
    ]
    return dict(zip(ids, range(1, len(ids) + 1), strict=True))


@without_cycle_collection
def previous_ranks(key: str, branch_id: int | None = None) -> dict[int, int]:
    """Employee id -> rank in the period before `key` (same branch filter)."""
    return _previous_ranks(_before(key, unrankable()), branch_id)


def _board(period: _Period, before: _Before, branch_id: int | None) -> _Board:
    rankable, unranked = _split(period, branch_id)
    previous = _previous_ranks(before, branch_id)
    return _Board(ranking_order(rankable), previous, unranked)


def _board_of(key: str, branch_id: int | None) -> _Board:
    exceptions = unrankable()
    return _board(_period(key, exceptions), _before(key, exceptions), branch_id)


def _dimension_means(key: str, employee_ids: list[int] | None = None) -> dict[int, dict]:
    """Each employee's mean stars per dimension; only of `employee_ids` when given."""
    dims = EmployeePeriodDimension
    query = select(dims.employee_id, dims.dimension, dims.rating_count, dims.stars_sum).where(
        dims.period_key == key, dims.rating_count > 0
    )
    if employee_ids is not None:
        query = query.where(dims.employee_id.in_(employee_ids))
    means: dict[int, dict[str, float]] = defaultdict(dict)
    for employee_id, dimension, count, stars_sum in read(query):
        means[employee_id][dimension] = stars_sum / count
    return means


@dataclass(frozen=True)
class _Shown:
    """What the rows shown need besides their scores: branch names, dimensions."""

    branch_names: dict[int, str]
    dimensions: dict[int, dict]


def _row(shown: _Shown, score: EmployeeScore, ranked=None) -> LeaderboardRow:
    """The row of `score`; `ranked` is its RankedEmployee, None when not ranked."""
    return LeaderboardRow(
        rank=ranked.rank if ranked else None,
        employee_id=score.employee_id,
        name=score.name,
        branch_id=score.branch_id,
        branch_name=shown.branch_names[score.branch_id],
        count=score.count,
        mean=score.mean,
        score=score.score,
        high_share=score.high_share,
        eligible=ranked is not None,
        previous_rank=ranked.previous_rank if ranked else None,
        change=ranked.change if ranked else None,
        dimensions=shown.dimensions.get(score.employee_id, {}),
    )


def _rows(key: str, board: _Board, start: int, stop: int) -> list[LeaderboardRow]:
    """Rows `start`..`stop` (0-based, stop excluded) of the board, with their dimensions."""
    ranked = ranked_slice(board.ranked, board.previous, start, stop)
    unranked = board.unranked[max(start - len(board.ranked), 0) : max(stop - len(board.ranked), 0)]
    ids = [r.employee.employee_id for r in ranked] + [s.employee_id for s in unranked]
    # Every row of the board: one read of the period's dimensions beats a long IN list.
    dimensions = _dimension_means(key, None if len(ids) == board.total else ids)
    shown = _Shown(branch_names(), dimensions)
    return [
        *(_row(shown, r.employee, r) for r in ranked),
        *(_row(shown, score) for score in unranked),
    ]


@without_cycle_collection
def leaderboard(key: str, branch_id: int | None = None) -> list[LeaderboardRow]:
    """The ranking of period `key` (overall, or of one branch): ranked rows, then unranked.

    An employee's branch here is where they served in that period (the branch of their
    latest verified rating), so a transfer does not rewrite past branch rankings.
    """
    board = _board_of(key, branch_id)
    return _rows(key, board, 0, board.total)


@without_cycle_collection
def leaderboard_page(
    key: str, branch_id: int | None = None, page: int = 1, per_page: int = 50
) -> LeaderboardPage:
    """Page `page` of `leaderboard(key, branch_id)` (clamped to 1..pages).

    Every employee is still scored and ranked (a rank is a place among all), but only
    the page's rows are built and only their dimensions read.
    """
    board = _board_of(key, branch_id)
    pages = max((board.total + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    return LeaderboardPage(_rows(key, board, start, start + per_page), page, pages, board.total)


def _position(board: _Board, employee_id: int) -> int | None:
    """0-based place of the employee on the board, None when not listed."""
    for index, score in enumerate(board.ranked):
        if score.employee_id == employee_id:
            return index
    for index, score in enumerate(board.unranked):
        if score.employee_id == employee_id:
            return len(board.ranked) + index
    return None


def _row_of(key: str, board: _Board, employee_id: int) -> LeaderboardRow | None:
    index = _position(board, employee_id)
    return None if index is None else _rows(key, board, index, index + 1)[0]


@without_cycle_collection
def employee_standing(employee_id: int, key: str) -> Standing | None:
    """The employee's row overall and in their branch; None without ratings in the period.

    Both rankings come from one read of the period and one of the period before.
    """
    exceptions = unrankable()
    period, before = _period(key, exceptions), _before(key, exceptions)
    board = _board(period, before, None)
    overall = _row_of(key, board, employee_id)
    if overall is None:
        return None
    branch_board = _board(period, before, overall.branch_id)
    return Standing(
        overall=overall,
        in_branch=_row_of(key, branch_board, employee_id),
        ranked_overall=len(board.ranked),
        ranked_in_branch=len(branch_board.ranked),
    )
