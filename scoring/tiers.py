"""Score tiers: points that grow with the service score ("奖励积分…随着服务评分的提高而增加").

At the end of a period each employee falls in one tier by their fair (Bayesian) score of
that period; an employee with fewer ratings than the minimum count stays in the first
tier, as an unproven score must not earn more. A tier multiplies the points the employee
earned from ratings in the period and adds a fixed bonus; the extra is
floor(earned × (multiplier − 1)) + bonus, so the first tier (×1, +0) adds nothing.

The rule that makes tiers fair: a higher tier never brings less. Tiers are ordered by
their lowest score (the first starts at the bottom of the scale, 1.0), and multipliers
and bonuses never decrease from one tier to the next.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise

from scoring.scores import MAX_STARS, MIN_STARS

# The highest multiplier that makes sense: ×3 already triples a period's points.
MULTIPLIER_MAX = 3.0


@dataclass(frozen=True)
class ScoreTier:
    """From `min_score` (inclusive) on the 1..5 scale: earned × multiplier, plus bonus."""

    min_score: float
    multiplier: float
    bonus: int

    def to_dict(self) -> dict:
        return {"min_score": self.min_score, "multiplier": self.multiplier, "bonus": self.bonus}


DEFAULT_TIERS = (
    ScoreTier(1.0, 1.0, 0),
    ScoreTier(3.5, 1.1, 5),
    ScoreTier(4.2, 1.25, 15),
    ScoreTier(4.6, 1.5, 30),
)


class TierError(ValueError):
    """The tiers break a rule; `problem` names which, for a message in the reader's language:
    "first" (the first tier must start at 1.0), "order" (each tier starts higher than the one
    before, within 1..5), "multiplier" (1..3, never lower than the tier before) or "bonus"
    (a whole number >= 0, never lower than the tier before). `tier` is the 1-based tier."""

    def __init__(self, problem: str, tier: int):
        super().__init__(f"tier {tier}: {problem}")
        self.problem = problem
        self.tier = tier


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _check_one(tier: ScoreTier, position: int) -> None:
    if not (_number(tier.min_score) and MIN_STARS <= tier.min_score <= MAX_STARS):
        raise TierError("order", position)
    if not (_number(tier.multiplier) and 1 <= tier.multiplier <= MULTIPLIER_MAX):
        raise TierError("multiplier", position)
    if isinstance(tier.bonus, bool) or not isinstance(tier.bonus, int) or tier.bonus < 0:
        raise TierError("bonus", position)


def checked_tiers(tiers: Sequence) -> tuple[ScoreTier, ...]:
    """The tiers as ScoreTiers (dicts accepted, as JSON gives them); TierError on a broken rule."""
    tiers = tuple(t if isinstance(t, ScoreTier) else ScoreTier(**t) for t in tiers)
    if not tiers or tiers[0].min_score != MIN_STARS:
        raise TierError("first", 1)
    for position, tier in enumerate(tiers, start=1):
        _check_one(tier, position)
    for position, (lower, higher) in enumerate(pairwise(tiers), start=2):
        if higher.min_score <= lower.min_score:
            raise TierError("order", position)
        if higher.multiplier < lower.multiplier:
            raise TierError("multiplier", position)
        if higher.bonus < lower.bonus:
            raise TierError("bonus", position)
    return tiers


def tier_index(score: float | None, tiers: Sequence[ScoreTier]) -> int:
    """The 0-based tier of a fair score; None (too few ratings to be ranked) is the first."""
    if score is None:
        return 0
    return max(i for i, tier in enumerate(tiers) if tier.min_score <= score)


def tier_extra(earned: int, tier: ScoreTier) -> int:
    """Extra points of a tier for `earned` points: floor(earned × (multiplier − 1)) + bonus.

    Exact decimal arithmetic (1.1 is 11/10, not 1.100000000000000088…), and nothing
    extra on a period that earned nothing or less.
    """
    share = Fraction(str(tier.multiplier)) - 1
    return math.floor(max(earned, 0) * share) + tier.bonus


def score_to_next_tier(score: float | None, tiers: Sequence[ScoreTier]) -> float | None:
    """How much the fair score must rise to reach the next tier; None in the top tier."""
    index = tier_index(score, tiers)
    if index + 1 >= len(tiers):
        return None
    return max(tiers[index + 1].min_score - (score if score is not None else MIN_STARS), 0.0)
