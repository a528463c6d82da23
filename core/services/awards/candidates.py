"""Ranked candidates of an award category, computed from the stored verified ratings.

Service Star: the Bayesian score (scoring.scores.score_employees: prior at the mean of
all the period's ratings, SCORE_PRIOR_WEIGHT, eligible from SCORE_MIN_COUNT ratings) of
the verified ratings given between the period's first and last local day; ties as in
scoring.rankings. Surprise Service Star: the number of confirmed surprise-service claims
in the period, then the Service Star order for ties (more ratings, name, id). Inactive
employees are not listed; employees with a disciplinary flag are listed but not ranked.
"""

from dataclasses import dataclass

from sqlalchemy import case, func, select

from core.extensions import db
from core.models import (
    AwardCategory,
    AwardPeriod,
    Branch,
    CategoryKind,
    Employee,
    Rating,
    RatingStatus,
    SurpriseStatus,
)
from core.services.periods import counted_between, days_window
from core.services.points.rules import score_settings
from scoring.rankings import rank_employees
from scoring.scores import EmployeeStatsRow, display_score, score_employees

HIGH_STARS = 4


@dataclass(frozen=True)
class Candidate:
    """One listed employee of a category; rank None when not eligible."""

    rank: int | None
    employee_id: int
    name: str
    branch_name: str
    count: int
    mean: float | None
    score: float
    surprises: int
    eligible: bool

    @property
    def display_score(self) -> str:
        """The score with two decimals."""
        return display_score(self.score)

    def to_dict(self) -> dict:
        """JSON-ready, for the snapshot."""
        return {
            "rank": self.rank,
            "employee_id": self.employee_id,
            "name": self.name,
            "branch": self.branch_name,
            "count": self.count,
            "mean": self.mean,
            "score": self.score,
            "surprises": self.surprises,
            "eligible": self.eligible,
        }


def _rows(period: AwardPeriod):
    start, end = days_window(period.starts_on, period.ends_on)
    surprise = case((Rating.surprise_status == SurpriseStatus.CONFIRMED, 1), else_=0)
    high = case((Rating.overall >= HIGH_STARS, 1), else_=0)
    return db.session.execute(
        select(
            Employee.id,
            Employee.display_name,
            Employee.branch_id,
            func.count(Rating.id),
            func.sum(Rating.score),
            func.sum(high),
            func.sum(surprise),
            Branch.name,
            Employee.disciplinary_flag,
        )
        .join(Employee, Employee.id == Rating.employee_id)
        .join(Branch, Branch.id == Employee.branch_id)
        .where(
            Rating.status == RatingStatus.VERIFIED,
            counted_between(start, end),
            Rating.score.is_not(None),
            Employee.active.is_(True),
        )
        .group_by(
            Employee.id,
            Employee.display_name,
            Employee.branch_id,
            Branch.name,
            Employee.disciplinary_flag,
        )
    ).all()


def candidates(category: AwardCategory) -> list[Candidate]:
    """The category's candidates: ranked ones first (rank 1..n), then the unranked."""
    rows = _rows(category.period)
    settings = score_settings()
    scores = score_employees(
        [EmployeeStatsRow(r[0], r[1], r[2], r[3], float(r[4] or 0), int(r[5] or 0)) for r in rows],
        settings.prior_weight,
        settings.min_count,
    )
    extra = {r[0]: (int(r[6] or 0), r[7], r[8]) for r in rows}
    if category.kind is CategoryKind.SURPRISE:
        rankable = [
            s for s in scores if extra[s.employee_id][0] > 0 and not extra[s.employee_id][2]
        ]
        # Surprises first; ties fall back to the Service Star order.
        by_score = {r.employee.employee_id: r.rank for r in rank_employees(rankable)}
        rankable.sort(key=lambda s: (-extra[s.employee_id][0], by_score[s.employee_id]))
        ranks = {s.employee_id: n for n, s in enumerate(rankable, start=1)}
    else:
        rankable = [s for s in scores if s.eligible and not extra[s.employee_id][2]]
        ranks = {r.employee.employee_id: r.rank for r in rank_employees(rankable)}
    listed = [
        Candidate(
            rank=ranks.get(s.employee_id),
            employee_id=s.employee_id,
            name=s.name,
            branch_name=extra[s.employee_id][1],
            count=s.count,
            mean=s.mean,
            score=s.score,
            surprises=extra[s.employee_id][0],
            eligible=s.employee_id in ranks,
        )
        for s in scores
    ]
    return sorted(
        listed, key=lambda c: (c.rank is None, c.rank or 0, -c.score, c.name, c.employee_id)
    )
