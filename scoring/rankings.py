"""Rankings: deterministic total orders, ranks 1..n with no shared places."""

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from scoring.scores import EmployeeScore

T = TypeVar("T")


@dataclass(frozen=True)
class RankedEmployee:
    """A ranked employee; `change` > 0 means moved up since the previous ranking."""

    rank: int
    employee: EmployeeScore
    previous_rank: int | None
    change: int | None


def rank_by(
    items: Iterable[T], key: Callable[[T], tuple], identity: Callable[[T], Hashable]
) -> list[tuple[int, T]]:
    """Pair items with positions 1..n in `key` order; ValueError on a repeated identity.

    The key must end with the identity, which makes the order total: the
    result never depends on input order and no two items share a rank.
    """
    ordered = sorted(items, key=key)
    repeated = [i for i, n in Counter(identity(item) for item in ordered).items() if n > 1]
    if repeated:
        raise ValueError(f"listed more than once: {sorted(repeated)}")
    return list(enumerate(ordered, start=1))


def ranking_key(score: EmployeeScore) -> tuple[float, int, str, int]:
    """Sort key: score desc, count desc, name (casefolded) asc, employee_id asc."""
    return (-score.score, -score.count, score.name.casefold(), score.employee_id)


def rank_employees(
    scores: Iterable[EmployeeScore], previous_ranks: Mapping[int, int] | None = None
) -> list[RankedEmployee]:
    """Rank employees by `ranking_key`; ranks are positions 1..n, never shared.

    Ties on score, count and name fall to the lower employee_id, so the
    result does not depend on input order (a repeated id raises ValueError).
    All given employees are ranked: pass only the eligible ones for a
    published ranking. `previous_ranks` maps employee_id to last period's
    rank; change = previous_rank - rank (positive = moved up), None when the
    employee was not ranked before.
    """
    previous_ranks = previous_ranks or {}
    ranked = []
    for rank, score in rank_by(scores, ranking_key, lambda s: s.employee_id):
        previous = previous_ranks.get(score.employee_id)
        change = None if previous is None else previous - rank
        ranked.append(RankedEmployee(rank, score, previous, change))
    return ranked
