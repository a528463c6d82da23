"""Figures for a campaign's review afterwards: score distributions and weakest criteria.

Scores here are on the campaign's common 0..100 scale (see scoring.composite), so the
sources and criteria of different scales compare.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Five bands of 20 points: 0-20, 20-40, 40-60, 60-80, 80-100 (100 falls in the last).
BAND_WIDTH = 20
BANDS = 100 // BAND_WIDTH


@dataclass(frozen=True)
class Distribution:
    """How a set of 0..100 scores spread: count, lowest, median, highest, and per band."""

    count: int
    lowest: float | None
    median: float | None
    highest: float | None
    bands: tuple[int, ...]


def band_of(score: float) -> int:
    """The band (0..4) of a 0..100 score; out-of-range scores are clamped."""
    return min(BANDS - 1, max(0, math.floor(score / BAND_WIDTH)))


def median(values: Sequence[float]) -> float:
    """The middle value, or the mean of the two middle values of an even count."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def distribution(scores: Iterable[float]) -> Distribution:
    """The spread of the scores (an empty set has no lowest, median or highest)."""
    values = list(scores)
    bands = [0] * BANDS
    for value in values:
        bands[band_of(value)] += 1
    if not values:
        return Distribution(0, None, None, None, tuple(bands))
    return Distribution(len(values), min(values), median(values), max(values), tuple(bands))


def weakest_criteria(scores: Mapping[str, float], count: int = 3) -> list[tuple[str, float]]:
    """The `count` lowest-scored criteria, lowest first; equal scores in name order.

    The criteria where a candidate has most to gain come first: what an improvement plan
    starts from.
    """
    return sorted(scores.items(), key=lambda item: (item[1], item[0]))[:count]


def scale_to_100(mean: float, lowest: int, highest: int) -> float:
    """A mean on a lowest..highest scale as 0..100 (1..5 stars, 1..10 criteria), clamped."""
    return min(100.0, max(0.0, (mean - lowest) / (highest - lowest) * 100))
