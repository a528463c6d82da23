"""CSV exports for spreadsheets: ratings, the points ledger, published award results.

Every file goes through core.services.csv_safe: UTF-8 with a BOM (Excel then reads
Chinese correctly) and every text cell that a spreadsheet would run as a formula
(starting with = + - @ tab or CR) neutralised by a leading apostrophe. Stored values
(statuses, kinds, dimensions) are written as their labels (core.labels) in the language
of the request, as the pages show them. Times are ISO 8601 in the site's TIME_ZONE with
their UTC offset (core.localtime.local_isoformat): the local clock an admin knows, yet
exact for a program and across a daylight-saving change. Scores are rounded by the one
rule the pages use (scoring.scores.display_score).
"""

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.labels import label
from core.localtime import local_isoformat
from core.models import AwardSnapshot, Employee, PointsEntry, Rating, RatingStatus
from core.services.csv_safe import safe_csv
from core.services.settings import dimension_labels
from scoring.scores import display_score

RATING_HEADER = (
    "rating_id",
    "created_at",
    "verified_at",
    "period",
    "branch",
    "employee",
    "staff_no",
    "status",
    "overall",
    "score",
    "dimensions",
    "comment",
    "surprise",
    "surprise_text",
    "reply",
    "dispute",
)
LEDGER_HEADER = (
    "entry_id",
    "created_at",
    "branch",
    "employee",
    "staff_no",
    "kind",
    "amount",
    "source",
    "reason",
    "actor",
)
RESULTS_HEADER = (
    "period",
    "category",
    "rank",
    "employee",
    "branch",
    "score",
    "ratings",
    "surprises",
    "eligible",
    "winner",
    "citation",
)


def write_safe_csv(rows: Iterable[Sequence], header: Sequence[str]) -> bytes:
    """The CSV as bytes: BOM, header, rows, formula-looking cells neutralised."""
    return safe_csv(header, rows)


def _score(score: float | None) -> str:
    """A score as the pages show it; an empty cell, not a dash, for none."""
    return "" if score is None else display_score(score)


def _in_branches(column, branch_ids: set[int] | None) -> list:
    return [] if branch_ids is None else [column.in_(sorted(branch_ids) or [0])]


def ratings_csv(branch_ids: set[int] | None, period_key: str | None = None) -> bytes:
    """Verified and hidden ratings of the visible branches (never the customer's identity)."""
    query = (
        select(Rating)
        .options(
            selectinload(Rating.stars), selectinload(Rating.employee), selectinload(Rating.branch)
        )
        .where(
            Rating.status.in_([RatingStatus.VERIFIED, RatingStatus.HIDDEN]),
            *_in_branches(Rating.branch_id, branch_ids),
        )
        .order_by(Rating.created_at, Rating.id)
    )
    if period_key:
        query = query.where(Rating.period_key == period_key)
    dimensions = dimension_labels()
    rows = (
        (
            r.id,
            local_isoformat(r.created_at),
            local_isoformat(r.verified_at),
            r.period_key,
            r.branch.name,
            r.employee.display_name,
            r.employee.staff_no,
            label(r.status),
            r.overall,
            _score(r.score),
            "; ".join(
                f"{dimensions.get(s.dimension, s.dimension)}: {s.stars}"
                for s in sorted(r.stars, key=lambda s: s.dimension)
            ),
            r.comment,
            label(r.surprise_status),
            r.surprise_text,
            r.reply,
            label(r.dispute_status),
        )
        for r in db.session.scalars(query)
    )
    return write_safe_csv(rows, RATING_HEADER)


def ledger_csv(branch_ids: set[int] | None) -> bytes:
    """Every points entry of the visible branches' employees, oldest first."""
    query = (
        select(PointsEntry)
        .join(Employee, Employee.id == PointsEntry.employee_id)
        .options(
            selectinload(PointsEntry.employee).selectinload(Employee.branch),
            selectinload(PointsEntry.actor),
        )
        .where(*_in_branches(Employee.branch_id, branch_ids))
        .order_by(PointsEntry.created_at, PointsEntry.id)
    )
    rows = (
        (
            e.id,
            local_isoformat(e.created_at),
            e.employee.branch.name,
            e.employee.display_name,
            e.employee.staff_no,
            label(e.kind),
            e.amount,
            e.source_key,
            e.reason,
            e.actor.email if e.actor else "",
        )
        for e in db.session.scalars(query)
    )
    return write_safe_csv(rows, LEDGER_HEADER)


def results_csv(snapshot: AwardSnapshot) -> bytes:
    """A published snapshot's ranked candidates and winners, as frozen."""
    results = snapshot.results
    rows = []
    for category in results["categories"]:
        winners = {w["employee_id"]: w for w in category["winners"]}
        listed = {c["employee_id"] for c in category["candidates"]}
        for c in category["candidates"]:
            winner = winners.get(c["employee_id"])
            rows.append(
                (
                    results["period"]["name"],
                    category["name"],
                    c["rank"],
                    c["name"],
                    c["branch"],
                    _score(c["score"]),
                    c["count"],
                    c["surprises"],
                    c["eligible"],
                    winner["rank"] if winner else "",
                    winner["citation"] if winner else "",
                )
            )
        for w in category["winners"]:
            if w["employee_id"] not in listed:
                rows.append(
                    (
                        results["period"]["name"],
                        category["name"],
                        "",
                        w["name"],
                        w["branch"],
                        _score(w["score"]),
                        w["count"],
                        w["surprises"],
                        "",
                        w["rank"],
                        w["citation"],
                    )
                )
    return write_safe_csv(rows, RESULTS_HEADER)
