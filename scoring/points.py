"""Reward points: the rules that turn ratings into points, and ledger arithmetic.

Points are an append-only ledger of signed integer entries; a balance is
their sum and a mistake is undone by a new, opposite entry.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from itertools import pairwise
from typing import Any

from scoring.scores import check_stars
from scoring.tiers import DEFAULT_TIERS, ScoreTier, checked_tiers

# The longest surprise-service standard text, per language.
STANDARD_MAX = 4000


class PointsRuleError(ValueError):
    """Points per star that break a rule; `problem` names which, for a message in the
    reader's language: "shape" (five values), "whole" (whole numbers >= 0), "decreasing"
    (a star worth less than the one below), "steps" (an extra star adding less than the
    one before), "cap" (the surprise cap) or "standard" (the standard's texts)."""

    def __init__(self, problem: str, detail: str):
        super().__init__(detail)
        self.problem = problem


@dataclass(frozen=True)
class PointsRules:
    """Points per overall star rating (index 0 = 1 star), the surprise-service bonus, and
    the score tiers that add to a period's points at its end (scoring.tiers). Surprise
    service has a written standard (text per language, shown to managers who confirm
    claims and to staff) and a cap: at most `surprise_cap` confirmed bonuses per employee
    per period (None: no cap), so bonuses cannot run away.

    Points grow with the score: per_star holds five whole numbers >= 0 that
    never decrease, and whose steps never shrink either (each step up is at
    least as large as the one before: 0,0,1,3,5 has steps 0,1,2,2), so a
    better rating is always worth at least as much extra as the last one.
    """

    per_star: tuple[int, int, int, int, int] = (0, 0, 1, 3, 5)
    surprise_bonus: int = 5
    tiers: tuple[ScoreTier, ...] = DEFAULT_TIERS
    surprise_cap: int | None = 3
    # Given as a mapping {locale: text}; kept as sorted (locale, text) pairs, hashable.
    surprise_standard: Mapping[str, str] | tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        cap = self.surprise_cap
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
            raise PointsRuleError("cap", f"surprise_cap must be a whole number >= 1: {cap!r}")
        standard = dict(self.surprise_standard)
        if not all(
            isinstance(k, str) and isinstance(v, str) and len(v) <= STANDARD_MAX
            for k, v in standard.items()
        ):
            raise PointsRuleError("standard", "surprise_standard: texts of at most 4000 characters")
        object.__setattr__(self, "surprise_standard", tuple(sorted(standard.items())))
        # TierError (a ValueError) names the broken tier rule; stored as a tuple of ScoreTiers.
        object.__setattr__(self, "tiers", checked_tiers(self.tiers))
        # Accept any sequence (JSON gives lists) but store a hashable tuple.
        if isinstance(self.per_star, str | bytes) or not isinstance(self.per_star, Sequence):
            raise PointsRuleError("shape", f"per_star must be 5 whole numbers: {self.per_star!r}")
        object.__setattr__(self, "per_star", tuple(self.per_star))
        values = self.per_star
        if len(values) != 5:
            raise PointsRuleError("shape", f"per_star needs 5 values, not {len(values)}")
        for value in (*values, self.surprise_bonus):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise PointsRuleError("whole", f"points must be whole numbers >= 0: {value!r}")
        steps = [b - a for a, b in pairwise(values)]
        if any(step < 0 for step in steps):
            raise PointsRuleError("decreasing", f"points decrease as stars rise: {list(values)}")
        if any(b < a for a, b in pairwise(steps)):
            raise PointsRuleError("steps", f"{list(values)} adds {steps} per extra star")

    def standard_text(self, locale: str, fallback: str = "en") -> str:
        """The surprise-service standard in `locale`, else in `fallback`, else ""."""
        texts = dict(self.surprise_standard)
        return texts.get(locale) or texts.get(fallback) or ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: {"per_star": [..5 ints], "surprise_bonus": int, "tiers": [..]}."""
        return {
            "per_star": list(self.per_star),
            "surprise_bonus": self.surprise_bonus,
            "tiers": [tier.to_dict() for tier in self.tiers],
            "surprise_cap": self.surprise_cap,
            "surprise_standard": dict(self.surprise_standard),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PointsRules":
        """Rules from `to_dict` output.

        Absent keys take the defaults; unknown keys raise ValueError.
        """
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown points rule keys: {sorted(unknown)}")
        return cls(**data)


def points_for_rating(overall: int, rules: PointsRules) -> int:
    """Points for a rating with `overall` stars (1..5): rules.per_star[overall - 1].

    The surprise-service bonus is separate: it is granted as its own entry
    once a manager confirms the surprise.
    """
    return rules.per_star[check_stars(overall) - 1]


def balance(amounts: Iterable[int]) -> int:
    """A balance is the sum of its ledger entries; an empty ledger is 0."""
    return sum(amounts, 0)


def can_spend(balance: int, cost: int) -> bool:
    """True when spending `cost` (> 0, else ValueError) leaves the balance >= 0."""
    if cost <= 0:
        raise ValueError(f"cost must be > 0, not {cost}")
    return cost <= balance


def reversal_amount(original_amount: int) -> int:
    """The entry that cancels `original_amount`: its negation, so the pair sums to 0."""
    return -original_amount
