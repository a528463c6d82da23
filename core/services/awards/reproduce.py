"""Reproduce published results from the stored raw data and compare with their snapshots.

`flask scores verify` runs this. An award period's snapshot is recomputed from the
verified ratings of its days with the rules it froze (prior weight, minimum count, who
was barred), and compared candidate by candidate: rank, eligibility, count, score,
surprises; and each winner's count, score and surprises. A campaign stage's StageResult
rows are compared with core.services.campaign.results.stage_results on what they froze:
rank, total and passed per employee.

A stage is recomputed as of the moment it was frozen: ratings verified after the close
belong to the next stage, not to this one. A rating hidden since then does show as a
difference: the published result no longer matches the data.
"""

import math
from dataclasses import dataclass

from sqlalchemy import select

from core.extensions import db
from core.models import AwardPeriod, AwardStatus, Campaign, StageResult
from core.services.awards.candidates import Basis, candidates
from core.services.awards.publishing import SNAPSHOT_CANDIDATES
from core.services.awards.winners import latest_snapshot
from core.services.campaign.results import result_rows, stage_results

# Scores are sums of 4-decimal rating scores: equal up to the last bits.
TOLERANCE = 1e-6
AWARD_FIELDS = ("rank", "eligible", "count", "score", "surprises")
WINNER_FIELDS = ("count", "score", "surprises")
STAGE_FIELDS = ("rank", "total", "passed")


@dataclass(frozen=True)
class Difference:
    """One frozen value that the stored raw data no longer gives."""

    result: str
    employee_id: int
    field: str
    frozen: object
    recomputed: object

    def describe(self) -> str:
        """One line for the console."""
        return (
            f"{self.result}: employee {self.employee_id} {self.field} "
            f"frozen {self.frozen!r}, recomputed {self.recomputed!r}"
        )


def _same(frozen, recomputed) -> bool:
    if isinstance(frozen, float) or isinstance(recomputed, float):
        if frozen is None or recomputed is None:
            return frozen is recomputed
        return math.isclose(frozen, recomputed, abs_tol=TOLERANCE)
    return frozen == recomputed


def _compare(result: str, frozen: dict, recomputed: dict, fields) -> list[Difference]:
    """Rows by employee id on both sides; a row missing on one side is a 'listed' difference."""
    differences = []
    for employee_id in sorted(frozen.keys() | recomputed.keys()):
        old, new = frozen.get(employee_id), recomputed.get(employee_id)
        if old is None or new is None:
            differences.append(
                Difference(result, employee_id, "listed", old is not None, new is not None)
            )
            continue
        differences += [
            Difference(result, employee_id, name, old.get(name), new.get(name))
            for name in fields
            if not _same(old.get(name), new.get(name))
        ]
    return differences


def _frozen_basis(rules: dict) -> Basis:
    barred = rules.get("barred")  # absent from snapshots published before it was kept
    return Basis(
        prior_weight=rules["prior_weight"],
        min_count=rules["min_count"],
        inactive=frozenset(barred["inactive"]) if barred else None,
        flagged=frozenset(barred["flagged"]) if barred else None,
    )


def period_differences(period: AwardPeriod) -> list[Difference]:
    """Differences between the period's snapshot and its recomputation."""
    snapshot = latest_snapshot(period)
    basis = _frozen_basis(snapshot.results["rules"])
    live = {category.name: category for category in period.categories}
    differences = []
    for frozen in snapshot.results["categories"]:
        result = f"award period {period.id} {frozen['name']}"
        listed = [c.to_dict() for c in candidates(live[frozen["name"]], basis)]
        by_id = {c["employee_id"]: c for c in listed}
        differences += _compare(
            result,
            {c["employee_id"]: c for c in frozen["candidates"]},
            {c["employee_id"]: c for c in listed[:SNAPSHOT_CANDIDATES]},
            AWARD_FIELDS,
        )
        for winner in frozen["winners"]:
            recomputed = by_id.get(winner["employee_id"], {"count": 0, "surprises": 0})
            differences += _compare(
                f"{result} winner",
                {winner["employee_id"]: winner},
                {winner["employee_id"]: recomputed},
                WINNER_FIELDS,
            )
    return differences


def stage_differences(campaign: Campaign, stage, rows: list[StageResult]) -> list[Difference]:
    """Differences between a stage's StageResult rows and its recomputation."""
    frozen = {r.employee_id: {"rank": r.rank, "total": r.total, "passed": r.passed} for r in rows}
    frozen_at = max(row.published_at for row in rows)
    recomputed = result_rows(stage_results(campaign, stage, as_of=frozen_at))
    recomputed = {r["employee_id"]: r for r in recomputed}
    return _compare(f"campaign {campaign.id} {stage.value}", frozen, recomputed, STAGE_FIELDS)


@dataclass(frozen=True)
class Reproduction:
    """What `scores verify` reports about the published results."""

    checked: list[str]
    differences: list[Difference]


def reproduce_published() -> Reproduction:
    """Recompute every published award period and frozen campaign stage; compare."""
    checked, differences = [], []
    periods = db.session.scalars(
        select(AwardPeriod)
        .where(AwardPeriod.status == AwardStatus.PUBLISHED)
        .order_by(AwardPeriod.id)
    )
    for period in periods:
        checked.append(f"award period {period.id}")
        differences += period_differences(period)
    stages: dict[tuple, list[StageResult]] = {}
    for row in db.session.scalars(select(StageResult).order_by(StageResult.id)):
        stages.setdefault((row.campaign_id, row.stage), []).append(row)
    for (campaign_id, stage), rows in stages.items():
        campaign = db.session.get(Campaign, campaign_id)
        checked.append(f"campaign {campaign_id} {stage.value}")
        differences += stage_differences(campaign, stage, rows)
    return Reproduction(checked, differences)
