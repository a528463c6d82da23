"""Rankings: deterministic total orders, ranks 1..n with no shared places."""

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping
from itertools import repeat
from operator import attrgetter, eq, or_
from typing import NamedTuple, TypeVar

from scoring.gc_pause import without_cycle_collection
from scoring.scores import EmployeeScore

T = TypeVar("T")


class RankedEmployee(NamedTuple):
    """A ranked employee; `change` > 0 means moved up since the previous ranking.

    A named tuple: cheap to build for every employee of a leaderboard.
    """

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
    _refuse_repeats([identity(item) for item in ordered])
    return list(enumerate(ordered, start=1))


def _refuse_repeats(identities: list) -> None:
    """ValueError naming every identity listed more than once."""
    if len(set(identities)) == len(identities):
        return
    repeated = [i for i, n in Counter(identities).items() if n > 1]
    raise ValueError(f"listed more than once: {sorted(repeated)}")


def ranking_key(score: EmployeeScore) -> tuple[float, int, str, int]:
    """Sort key: score desc, count desc, name (casefolded) asc, employee_id asc."""
    return (-score.score, -score.count, score.name.casefold(), score.employee_id)


@without_cycle_collection
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
    return ranked_slice(ranking_order(scores), previous_ranks)


@without_cycle_collection
def ranking_order(scores: Iterable[EmployeeScore]) -> list[EmployeeScore]:
    """The scores in `ranking_key` order (rank = position + 1); ValueError on a repeated id."""
    ordered = _in_ranking_order(list(scores))
    _refuse_repeats(list(map(_employee_id, ordered)))
    return ordered


def ranks_by_id(ordered: list[EmployeeScore]) -> dict[int, int]:
    """employee_id -> rank of a `ranking_order` list."""
    return dict(zip(map(_employee_id, ordered), range(1, len(ordered) + 1), strict=True))


@without_cycle_collection
def ranked_slice(
    ordered: list[EmployeeScore],
    previous_ranks: Mapping[int, int] | None = None,
    start: int = 0,
    stop: int | None = None,
) -> list[RankedEmployee]:
    """rank_employees of a `ranking_order` list, of positions start..stop only (a page).

    Rank = position + 1; change = previous_rank - rank, None when not ranked before.
    """
    stop = len(ordered) if stop is None else min(stop, len(ordered))
    shown = ordered[start:stop]
    ranks = range(start + 1, start + len(shown) + 1)
    if previous_ranks:
        previous = list(map(previous_ranks.get, map(_employee_id, shown)))
        changes = [None if p is None else p - r for p, r in zip(previous, ranks, strict=True)]
        rows = zip(ranks, shown, previous, changes, strict=True)
    else:
        rows = zip(ranks, shown, repeat(None), repeat(None))
    # tuple.__new__ straight from map: no Python frame per employee (10,000 on a board).
    return list(map(tuple.__new__, repeat(RankedEmployee), rows))


_employee_id = attrgetter("employee_id")
_score_and_count = attrgetter("score", "count")


def shared_places(ordered: list[EmployeeScore]) -> list[bool]:
    """For a `ranking_order` list: whether each employee shares both score and count with
    another, so that only names (ranking_key's third part) order them."""
    if not ordered:
        return []
    keys = list(map(_score_and_count, ordered))
    after = [*map(eq, keys, keys[1:]), False]
    before = [False, *after[:-1]]
    return list(map(or_, before, after))


def _in_ranking_order(scores: list[EmployeeScore]) -> list[EmployeeScore]:
    """`scores` sorted by ranking_key, the fast way: the same order as sorted(key=ranking_key).

    One stable sort per part of the key, least significant first (employee_id, casefolded
    name, count descending, score descending): each sorts plain values with keys taken in
    C, several times faster than building a key tuple per employee in Python. Stable
    sorts (reverse=True included) keep the order of equal keys, so the result is the
    tuple order.
    """
    ordered = sorted(scores, key=attrgetter("employee_id"))
    names = list(map(str.casefold, map(attrgetter("name"), ordered)))
    ordered = list(map(ordered.__getitem__, sorted(range(len(ordered)), key=names.__getitem__)))
    ordered.sort(key=attrgetter("count"), reverse=True)
    ordered.sort(key=attrgetter("score"), reverse=True)
    return ordered
