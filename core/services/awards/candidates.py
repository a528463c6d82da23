"""Ranked candidates of an award category, computed from the stored verified ratings.

Service Star: the Bayesian score (scoring.scores.score_employees: prior at the mean of
all the period's ratings, SCORE_PRIOR_WEIGHT, eligible from SCORE_MIN_COUNT ratings) of
the verified ratings given between the period's first and last local day; ties as in
scoring.rankings. Surprise Service Star: the number of confirmed surprise-service claims
in the period, then the Service Star order for ties (more ratings, name, id). Inactive
employees are not listed; employees with a disciplinary flag are listed but not ranked.

Eligible to win (the "Eligible" column, and what add_winner checks): ranked, that is
active, without a disciplinary flag, and with at least SCORE_MIN_COUNT verified ratings
(Service Star) or at least one confirmed surprise (Surprise Service Star).
"""

from dataclasses import dataclass

from flask_babel import gettext as _
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
class Basis:
    """What a ranking rests on besides the ratings: the score settings and who was barred.

    Live rankings take today's settings and employee states (inactive, flagged None);
    reproducing a published snapshot passes the ones it froze.
    """

    prior_weight: float
    min_count: int
    inactive: frozenset[int] | None = None
    flagged: frozenset[int] | None = None


def live_basis() -> Basis:
    """Today's score settings, employees as they are now."""
    settings = score_settings()
    return Basis(settings.prior_weight, settings.min_count)


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
            Employee.active,
        )
        .join(Employee, Employee.id == Rating.employee_id)
        .join(Branch, Branch.id == Employee.branch_id)
        .where(
            Rating.status == RatingStatus.VERIFIED,
            counted_between(start, end),
            Rating.score.is_not(None),
        )
        .group_by(
            Employee.id,
            Employee.display_name,
            Employee.branch_id,
            Branch.name,
            Employee.disciplinary_flag,
            Employee.active,
        )
    ).all()


def barred(period: AwardPeriod) -> dict[str, list[int]]:
    """Ids of the employees rated in the period who are now inactive or flagged."""
    rows = _rows(period)
    return {
        "inactive": sorted(r[0] for r in rows if not r[9]),
        "flagged": sorted(r[0] for r in rows if r[8]),
    }


def _active_rows(rows, basis: Basis):
    if basis.inactive is None:
        return [r for r in rows if r[9]]
    return [r for r in rows if r[0] not in basis.inactive]


def _flagged(rows, basis: Basis) -> set[int]:
    if basis.flagged is None:
        return {r[0] for r in rows if r[8]}
    return set(basis.flagged)


def candidates(category: AwardCategory, basis: Basis | None = None) -> list[Candidate]:
    """The category's candidates: ranked ones first (rank 1..n), then the unranked."""
    basis = basis or live_basis()
    all_rows = _rows(category.period)
    flagged = _flagged(all_rows, basis)
    rows = _active_rows(all_rows, basis)
    scores = score_employees(
        [EmployeeStatsRow(r[0], r[1], r[2], r[3], float(r[4] or 0), int(r[5] or 0)) for r in rows],
        basis.prior_weight,
        basis.min_count,
    )
    extra = {r[0]: (int(r[6] or 0), r[7], r[0] in flagged) for r in rows}
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


def ineligibility(
    category: AwardCategory, employee: Employee, listed: list[Candidate]
) -> list[str]:
    """Why the employee may not win the category ([] when eligible); `listed` = candidates()."""
    found = next((c for c in listed if c.employee_id == employee.id), None)
    if found is not None and found.eligible:
        return []
    reasons = [_("disciplinary flag")] if employee.disciplinary_flag else []
    if not employee.active:
        # Inactive employees are not listed, so there is no count to speak of.
        return [_("not active"), *reasons]
    min_count = score_settings().min_count
    if category.kind is CategoryKind.SURPRISE:
        if not (found and found.surprises):
            reasons.append(_("no confirmed surprise service in these days"))
    elif (count := found.count if found else 0) < min_count:
        reasons.append(_("%(count)d of %(min)d verified ratings", count=count, min=min_count))
    return reasons
