"""Service scores: one rating's score, and employees' shrunk period scores.

A rating scores 1..5. An employee's period score is a Bayesian average: the
employee's ratings plus `prior_weight` imaginary ratings at the period mean,
so a handful of ratings cannot beat a long record of excellent ones.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from itertools import repeat
from operator import eq, ge, gt, itemgetter, lt, mul, truediv
from typing import NamedTuple

from scoring.gc_pause import without_cycle_collection

DEFAULT_WEIGHTS = {"overall": 1.0, "attitude": 1.0, "skill": 1.0, "efficiency": 1.0}

MIN_STARS = 1
MAX_STARS = 5
HIGH_STARS = 4


def check_stars(value: object, dimension: str = "overall") -> int:
    """Return `value` when it is a whole number of stars 1..5, else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{dimension}: stars must be a whole number, not {value!r}")
    if not MIN_STARS <= value <= MAX_STARS:
        raise ValueError(f"{dimension}: stars must be {MIN_STARS}..{MAX_STARS}, not {value}")
    return value


def is_high(overall: int) -> bool:
    """A rating is "high" when its overall stars are 4 or 5."""
    return check_stars(overall) >= HIGH_STARS


def rating_score(stars: Mapping[str, int | None], weights: Mapping[str, float]) -> float:
    """Score of one rating: the weighted mean of the dimensions the customer rated.

    Dimensions that are None or absent are skipped, as are dimensions without
    a weight; so "overall" alone is the score when nothing else was rated.
    Every star value given must be 1..5, every weight finite and >= 0. When
    the rated dimensions' weights are all zero the overall stars are the
    score. ValueError when nothing usable was rated. Rounded to 4 decimals.
    """
    for dimension, value in stars.items():
        if value is not None:
            check_stars(value, dimension)
    for dimension, weight in weights.items():
        if not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"{dimension}: weight must be a finite number >= 0, not {weight!r}")
    rated = {d: stars[d] for d in weights if stars.get(d) is not None}
    total_weight = math.fsum(weights[d] for d in rated)
    if total_weight > 0:
        return round(math.fsum(weights[d] * s for d, s in rated.items()) / total_weight, 4)
    if stars.get("overall") is not None:
        return float(stars["overall"])
    raise ValueError("the rating has no weighted dimension and no overall stars")


def _check_totals(count: int, score_sum: float, high_count: int) -> None:
    """Totals of `count` ratings must be consistent: each scores 1..5."""
    if count < 0:
        raise ValueError(f"count must be >= 0, not {count}")
    if not 0 <= high_count <= count:
        raise ValueError(f"high_count must be 0..count ({count}), not {high_count}")
    slack = 1e-9 * max(count, 1)
    if not MIN_STARS * count - slack <= score_sum <= MAX_STARS * count + slack:
        raise ValueError(
            f"score_sum of {count} ratings must be {count}..{5 * count}, not {score_sum}"
        )


@dataclass(frozen=True)
class PeriodStats:
    """Totals of a set of ratings; high = overall 4 or 5 stars."""

    count: int
    score_sum: float
    high_count: int

    def __post_init__(self) -> None:
        _check_totals(self.count, self.score_sum, self.high_count)

    @property
    def mean(self) -> float | None:
        """Mean score, None without ratings."""
        return self.score_sum / self.count if self.count else None

    @property
    def high_share(self) -> float | None:
        """Share (0..1) of ratings with overall 4 or 5 stars, None without ratings."""
        return self.high_count / self.count if self.count else None


@dataclass(frozen=True)
class EmployeeStatsRow:
    """One employee's rating totals for a period, as loaded by a service."""

    employee_id: int
    name: str
    branch_id: int | None
    count: int
    score_sum: float
    high_count: int

    def __post_init__(self) -> None:
        _check_totals(self.count, self.score_sum, self.high_count)

    @property
    def stats(self) -> PeriodStats:
        """The row's totals without the employee's identity."""
        return PeriodStats(self.count, self.score_sum, self.high_count)


class EmployeeScore(NamedTuple):
    """An employee's period result; `score` is unrounded (see display_score).

    A named tuple, not a dataclass: a leaderboard makes 10,000 of them per period and a
    frozen dataclass costs several times more to build.
    """

    employee_id: int
    name: str
    branch_id: int | None
    count: int
    mean: float | None
    score: float
    high_share: float | None
    eligible: bool


def bayesian_score(
    count: int, score_sum: float, prior_mean: float, prior_weight: float = 5.0
) -> float:
    """(prior_weight * prior_mean + score_sum) / (prior_weight + count).

    With no ratings the score is the prior mean. Computed exactly (as
    fractions) and rounded once to the nearest float, never to decimals: a
    new rating then always moves the score towards itself, not even a
    rounding error the wrong way. Round only for display (display_score).
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, not {count}")
    return bayesian_scorer(prior_mean, prior_weight)(count, score_sum)


def bayesian_scorer(prior_mean: float, prior_weight: float) -> Callable[[int, float], float]:
    """bayesian_score with its prior fixed: (count, score_sum) -> score, count >= 0.

    The prior's integer ratios are worked out once, not once per employee.
    """
    if not (math.isfinite(prior_weight) and prior_weight >= 0):
        raise ValueError(f"prior_weight must be a finite number >= 0, not {prior_weight!r}")
    # Exact as integer ratios (what Fraction does, without its per-step gcd), then one
    # int / int division, which Python rounds correctly: a leaderboard scores thousands.
    w_num, w_den = prior_weight.as_integer_ratio()
    m_num, m_den = prior_mean.as_integer_ratio()
    prior_num, prior = w_num * m_num, float(prior_mean)

    def score(count: int, score_sum: float) -> float:
        if count == 0:
            return prior
        s_num, s_den = score_sum.as_integer_ratio()
        # (w * m + s) / (w + count), every denominator multiplied out.
        numerator = prior_num * s_den + s_num * w_den * m_den
        return numerator / (m_den * s_den * (w_num + count * w_den))

    return score


def period_mean(total_count: int, total_score_sum: float, default: float = 3.0) -> float:
    """Mean score of all ratings in the period; `default` (mid-scale) when none.

    ValueError when the totals cannot come from 1..5 ratings.
    """
    mean = PeriodStats(total_count, total_score_sum, high_count=0).mean
    return float(default) if mean is None else mean


def score_employees(
    rows: Iterable[EmployeeStatsRow], prior_weight: float = 5.0, min_count: int = 3
) -> list[EmployeeScore]:
    """Bayesian scores of employees, in input order.

    The prior mean is the period mean over ALL given rows (sum of score sums
    / sum of counts, 3.0 with no ratings), summed with math.fsum so that it
    does not depend on row order. Each employee weighs `prior_weight`
    imaginary ratings at that mean. Eligible to rank = count >= min_count.
    """
    return score_totals(
        [(r.employee_id, r.name, r.branch_id, r.count, r.score_sum, r.high_count) for r in rows],
        prior_weight,
        min_count,
    )


TotalsRow = tuple[int, str, "int | None", int, float, int]


def _check_all_totals(counts: list[int], sums: list[float], highs: list[int]) -> None:
    """_check_totals of every row, compared in C; _check_totals itself words a refusal."""
    fives = list(map(mul, counts, repeat(MAX_STARS)))
    plausible = (
        (not counts or min(highs) >= 0)
        and not any(map(gt, highs, counts))
        and not any(map(lt, sums, counts))
        and not any(map(gt, sums, fives))
        and all(map(eq, sums, sums))  # NaN is not equal to itself
    )
    if not plausible:
        for count, score_sum, high_count in zip(counts, sums, highs, strict=True):
            _check_totals(count, score_sum, high_count)


@without_cycle_collection
def score_totals(
    rows: Sequence[TotalsRow], prior_weight: float = 5.0, min_count: int = 3
) -> list[EmployeeScore]:
    """score_employees over plain tuples (employee_id, name, branch_id, count, score_sum,
    high_count, and any further fields, ignored), as a service reads them: the same rule,
    without an object per row.

    Every row's totals are checked as EmployeeStatsRow checks them (ValueError).
    """
    if min_count < 0:
        raise ValueError(f"min_count must be >= 0, not {min_count}")
    ids, names, branches, counts, sums, highs = (
        list(map(itemgetter(field), rows)) for field in range(6)
    )
    _check_all_totals(counts, sums, highs)
    # Remembered per (count, sum) for this call: many employees share both (whole stars).
    score = cache(bayesian_scorer(period_mean(sum(counts), math.fsum(sums)), prior_weight))
    if counts and min(counts) > 0:  # a board's rows: no None means, all divided in C
        means, shares = list(map(truediv, sums, counts)), list(map(truediv, highs, counts))
    else:
        means = [s / c if c else None for s, c in zip(sums, counts, strict=True)]
        shares = [h / c if c else None for h, c in zip(highs, counts, strict=True)]
    eligible = list(map(ge, counts, repeat(min_count)))
    fields = zip(
        ids, names, branches, counts, means, list(map(score, counts, sums)), shares, eligible,
        strict=True,
    )  # fmt: skip
    # tuple.__new__ straight from map: no Python frame per employee.
    return list(map(tuple.__new__, repeat(EmployeeScore), fields))


def normalise_score(score: float) -> float:
    """Map a 1..5 score onto 0..100: (score - 1) / 4 * 100, clamped, unrounded."""
    return min(100.0, max(0.0, (score - MIN_STARS) / (MAX_STARS - MIN_STARS) * 100))


def display_score(score: float | None) -> str:
    """Two decimals, half up ("4.725" -> "4.73"); an en dash for no score."""
    if score is None:
        return "\N{EN DASH}"
    return str(Decimal(repr(score)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
