"""Staged "Service Star" selection: weighted composite of several sources.

Every source is first normalised to 0..100; a stage's weights (percent,
summing to 100) then combine them into one total per candidate. A source an
admin waived for one candidate drops out of that candidate's total, and the
candidate's other weights are scaled up to 100 (rescale_weights).
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from scoring.rankings import rank_by

SOURCES = ("customer", "supervisor", "colleagues", "self", "judges")

DEFAULT_STAGE_WEIGHTS = {
    "preliminary": {"customer": 100},
    "second": {"customer": 40, "supervisor": 20, "colleagues": 20, "judges": 20},
    "final": {"customer": 30, "supervisor": 15, "colleagues": 15, "self": 10, "judges": 30},
}

PANEL_TRIM_FROM = 5


@dataclass(frozen=True)
class CompositeLine:
    """One source's share of a total: raw * weight / 100, a missing raw counting 0.

    `weight` is the one applied (scaled up when another source was waived); a waived
    source has weight 0, no raw and no contribution, and is not missing.
    """

    source: str
    weight: float
    raw: float | None
    contribution: float
    missing: bool
    waived: bool = False


@dataclass(frozen=True)
class CompositeResult:
    """A candidate's composite total (0..100, 2 decimals) and its per-source lines."""

    candidate_id: int
    name: str
    total: float
    customer: float
    lines: tuple[CompositeLine, ...]


def _check_percent(what: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number, not {value!r}")
    if not (math.isfinite(value) and 0 <= value <= 100):
        raise ValueError(f"{what} must be 0..100, not {value!r}")


def _check_sources(names: Iterable[str]) -> None:
    unknown = set(names) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown sources {sorted(unknown)}; expected some of {SOURCES}")


def validate_weights(weights: Mapping[str, int | float]) -> dict[str, int | float]:
    """Check a stage's weights and return them in SOURCES order.

    Keys must be sources from SOURCES, each weight a number 0..100, and the
    total exactly 100 (summed as decimals, so 33.3 + 33.3 + 33.4 is 100).
    Raises ValueError with a message that names the problem.
    """
    _check_sources(weights)
    for source, weight in weights.items():
        _check_percent(f"weight of {source}", weight)
    total = sum((Decimal(str(w)) for w in weights.values()), Decimal(0))
    if total != 100:
        raise ValueError(f"weights must total 100, not {total}")
    return {source: weights[source] for source in SOURCES if source in weights}


def panel_score(scores: Sequence[float]) -> float | None:
    """Mean of the judges' scores; None without scores.

    With five or more judges, one highest and one lowest score are dropped
    first, so a single extreme judge cannot swing the result.
    """
    if not scores:
        return None
    kept = sorted(scores)[1:-1] if len(scores) >= PANEL_TRIM_FROM else list(scores)
    return math.fsum(kept) / len(kept)


def ten_point_to_100(values: Sequence[int]) -> float:
    """Mean of whole-number criteria scores 1..10 as 0..100: (mean - 1) / 9 * 100."""
    if not values:
        raise ValueError("at least one criterion score is needed")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            raise ValueError(f"criterion scores must be whole numbers 1..10, not {value!r}")
    return (sum(values) / len(values) - 1) / 9 * 100


def votes_to_100(votes: int, max_votes: int) -> float:
    """Votes as a share of the top count in the branch or campaign: votes / max * 100.

    0 when nobody has votes (max_votes 0). ValueError unless 0 <= votes <= max.
    """
    if not 0 <= votes <= max_votes:
        raise ValueError(f"votes must be 0..max_votes ({max_votes}), not {votes}")
    return votes / max_votes * 100 if max_votes else 0.0


def rescale_weights(weights: Mapping[str, int | float], waived: Iterable[str]) -> dict[str, float]:
    """The weights of the sources not waived, scaled up so that they total 100.

    `weights` must pass validate_weights; waived sources must be known sources
    (ValueError otherwise), and those without a weight are ignored. Each kept
    weight becomes weight * 100 / (sum of the kept weights), unrounded, in
    SOURCES order: 40/20/20/20 with the second 20 waived gives 50/25/25. With no
    weighted source waived, the weights come back unchanged (as floats).
    ValueError when the kept weights total 0 (nothing would be left to rank by).
    """
    checked = validate_weights(weights)
    waived = set(waived)
    _check_sources(waived)
    if not waived & set(checked):
        return {source: float(weight) for source, weight in checked.items()}
    kept = {source: weight for source, weight in checked.items() if source not in waived}
    kept_total = sum(kept.values())
    if kept_total <= 0:
        raise ValueError("every weighted source is waived; nothing is left to rank by")
    return {source: weight * 100 / kept_total for source, weight in kept.items()}


def composite(
    candidate_id: int,
    name: str,
    normalised: Mapping[str, float | None],
    weights: Mapping[str, int | float],
    waived: Iterable[str] = (),
) -> CompositeResult:
    """Weighted total of a candidate's normalised (0..100) source scores.

    `weights` must pass validate_weights. Waived sources are left out and the
    other weights scaled up to 100 (rescale_weights); a waived line shows
    weight 0 and ignores any raw score. A weighted source that is None or
    absent (and not waived) counts as 0 and its line is flagged missing;
    sources without a weight are ignored. contribution = raw * weight / 100,
    kept unrounded; the total is their sum rounded to 2 decimals. `customer`
    (0 when missing) is kept for tie-breaks.
    """
    checked = validate_weights(weights)
    applied = rescale_weights(checked, waived)
    _check_sources(normalised)
    for source, raw in normalised.items():
        if raw is not None:
            _check_percent(f"score of {source}", raw)
    lines = []
    for source in checked:
        if source not in applied:
            lines.append(CompositeLine(source, 0.0, None, 0.0, missing=False, waived=True))
            continue
        weight = applied[source]
        raw = normalised.get(source)
        raw = None if raw is None else float(raw)
        contribution = (raw or 0.0) * weight / 100
        lines.append(CompositeLine(source, float(weight), raw, contribution, raw is None))
    return CompositeResult(
        candidate_id=candidate_id,
        name=name,
        total=round(math.fsum(line.contribution for line in lines), 2),
        customer=float(normalised.get("customer") or 0.0),
        lines=tuple(lines),
    )


def _composite_key(result: CompositeResult) -> tuple[float, float, str, int]:
    return (-result.total, -result.customer, result.name.casefold(), result.candidate_id)


def rank_composites(results: Iterable[CompositeResult]) -> list[tuple[int, CompositeResult]]:
    """Pair candidates with ranks 1..n, never shared.

    Order: total desc, then customer score desc, then name (casefolded) asc,
    then candidate_id asc. A repeated candidate_id raises ValueError.
    """
    return rank_by(results, _composite_key, lambda r: r.candidate_id)


def shortlist(
    ranked: Sequence[tuple[int, CompositeResult]], n: int
) -> list[tuple[int, CompositeResult]]:
    """The first `n` (>= 0) ranked candidates; ranks are unique, so no tie spills."""
    if n < 0:
        raise ValueError(f"n must be >= 0, not {n}")
    return list(ranked[:n])
