"""Award periods: pick winners, publish a frozen snapshot, withdraw it.

Publishing stores the results as they are at that moment (ranked candidates with
scores and counts, winners and citations, the rules in force) in an AwardSnapshot.
The wall of fame, the certificates and the verification page read only snapshots, so
later ratings, moderation or rule changes never alter what was published. Withdrawing
keeps the snapshot (marked withdrawn) and an audit entry; it is final.
"""

import secrets
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.database import begin_write
from core.extensions import db
from core.models import (
    AwardCategory,
    AwardPeriod,
    AwardSnapshot,
    AwardStatus,
    AwardWinner,
    CategoryKind,
    Employee,
    User,
    utcnow,
)
from core.services import DomainError
from core.services.audit import record_audit
from core.services.awards.candidates import candidates
from core.services.points.rules import current_points_rules, current_weights, score_settings

# The snapshot keeps the top of each ranking; enough to show and to explain the winners.
SNAPSHOT_CANDIDATES = 50
CITATION_MAX = 1000


class AwardError(DomainError):
    """The award action does not fit the period's state (message says why)."""


def default_categories() -> list[tuple[str, CategoryKind]]:
    """The two awards of the plans, created with every period."""
    return [
        ("Service Star", CategoryKind.SERVICE_STAR),
        ("Surprise Service Star", CategoryKind.SURPRISE),
    ]


def create_period(name: str, starts_on: date, ends_on: date, actor: User | None) -> AwardPeriod:
    """A new draft period with the default categories; commits."""
    name = (name or "").strip()
    if not name:
        raise AwardError(_l("Give the period a name."))
    if ends_on < starts_on:
        raise AwardError(_l("The last day cannot be before the first day."))
    period = AwardPeriod(name=name, starts_on=starts_on, ends_on=ends_on)
    period.categories = [AwardCategory(name=n, kind=k) for n, k in default_categories()]
    db.session.add(period)
    db.session.flush()
    record_audit(
        "award_period.create",
        "award_period",
        period.id,
        None,
        {"name": name, "starts_on": starts_on, "ends_on": ends_on},
        user=actor,
    )
    db.session.commit()
    return period


def _require_draft(period: AwardPeriod) -> None:
    if period.status is not AwardStatus.DRAFT:
        raise AwardError(_l("Winners can only change while the period is a draft."))


def add_winner(
    category: AwardCategory, employee: Employee, citation: str, actor: User | None
) -> AwardWinner:
    """Add a winner with a citation, at the next place; commits."""
    _require_draft(category.period)
    citation = (citation or "").strip()
    if not citation or len(citation) > CITATION_MAX:
        raise AwardError(_l("Write a citation of at most %(n)d characters.", n=CITATION_MAX))
    if any(w.employee_id == employee.id for w in category.winners):
        raise AwardError(_l("%(name)s already won this award.", name=employee.display_name))
    winner = AwardWinner(
        employee_id=employee.id,
        citation=citation,
        rank=max((w.rank for w in category.winners), default=0) + 1,
        verification_token=secrets.token_urlsafe(32),
    )
    category.winners.append(winner)
    db.session.flush()
    record_audit(
        "award_winner.add",
        "award_winner",
        winner.id,
        None,
        {"category": category.name, "employee": employee.id, "citation": citation},
        user=actor,
    )
    db.session.commit()
    return winner


def remove_winner(winner: AwardWinner, actor: User | None) -> None:
    """Take a winner off a draft period; commits."""
    category = winner.category
    _require_draft(category.period)
    record_audit(
        "award_winner.remove",
        "award_winner",
        winner.id,
        {"category": category.name, "employee": winner.employee_id},
        None,
        user=actor,
    )
    category.winners.remove(winner)
    db.session.commit()


def _winner_entry(winner: AwardWinner, ranked: dict) -> dict:
    candidate = ranked.get(winner.employee_id, {})
    return {
        "employee_id": winner.employee_id,
        "name": winner.employee.display_name,
        "title": winner.employee.title,
        "has_photo": bool(winner.employee.photo),
        "branch": winner.employee.branch.name,
        "rank": winner.rank,
        "citation": winner.citation,
        "token": winner.verification_token,
        "score": candidate.get("score"),
        "count": candidate.get("count", 0),
        "surprises": candidate.get("surprises", 0),
    }


def _results(period: AwardPeriod) -> dict:
    """The frozen, JSON-ready results of the period as they stand now."""
    settings = score_settings()
    categories = []
    for category in period.categories:
        listed = [c.to_dict() for c in candidates(category)]
        ranked = {c["employee_id"]: c for c in listed}
        categories.append(
            {
                "name": category.name,
                "kind": category.kind.value,
                "candidates": listed[:SNAPSHOT_CANDIDATES],
                "winners": [_winner_entry(w, ranked) for w in category.winners],
            }
        )
    return {
        "period": {
            "name": period.name,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
        },
        "rules": {
            "points": current_points_rules().to_dict(),
            "weights": current_weights(),
            "prior_weight": settings.prior_weight,
            "min_count": settings.min_count,
        },
        "categories": categories,
    }


def _locked_period(period_id: int) -> AwardPeriod:
    begin_write()
    period = db.session.scalars(
        select(AwardPeriod)
        .where(AwardPeriod.id == period_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    return period


def publish_period(period_id: int, actor: User | None) -> AwardSnapshot:
    """Freeze the results in a snapshot and show them on the wall of fame; commits."""
    period = _locked_period(period_id)
    if period.status is not AwardStatus.DRAFT:
        db.session.rollback()
        raise AwardError(_l("Only a draft period can be published."))
    if not any(category.winners for category in period.categories):
        db.session.rollback()
        raise AwardError(_l("Pick at least one winner before publishing."))
    now = utcnow()
    snapshot = AwardSnapshot(
        period=period,
        results=_results(period),
        published_at=now,
        published_by_id=actor.id if actor else None,
    )
    period.status = AwardStatus.PUBLISHED
    period.published_at = now
    db.session.add(snapshot)
    db.session.flush()
    record_audit(
        "award_period.publish",
        "award_period",
        period.id,
        {"status": "draft"},
        {"status": "published", "snapshot": snapshot.id},
        user=actor,
    )
    db.session.commit()
    return snapshot


def withdraw_period(period_id: int, actor: User | None, reason: str) -> None:
    """Unpublish: the wall of fame drops it, certificates verify as withdrawn; commits."""
    reason = (reason or "").strip()
    if not reason:
        raise AwardError(_l("Give a reason."))
    period = _locked_period(period_id)
    if period.status is not AwardStatus.PUBLISHED:
        db.session.rollback()
        raise AwardError(_l("Only a published period can be withdrawn."))
    now = utcnow()
    period.status = AwardStatus.WITHDRAWN
    period.withdrawn_at = now
    latest_snapshot(period).withdrawn_at = now
    record_audit(
        "award_period.withdraw",
        "award_period",
        period.id,
        {"status": "published"},
        {"status": "withdrawn", "reason": reason},
        user=actor,
    )
    db.session.commit()


def latest_snapshot(period: AwardPeriod) -> AwardSnapshot | None:
    """The period's published snapshot, if it was ever published."""
    return period.snapshots[-1] if period.snapshots else None


def published_periods() -> list[AwardPeriod]:
    """Periods on the wall of fame, newest first."""
    return list(
        db.session.scalars(
            select(AwardPeriod)
            .where(AwardPeriod.status == AwardStatus.PUBLISHED)
            .order_by(AwardPeriod.ends_on.desc(), AwardPeriod.id.desc())
        )
    )


def snapshot_entry(winner: AwardWinner) -> tuple[dict, dict] | None:
    """(category, winner) entries of the published snapshot for this winner, or None."""
    snapshot = latest_snapshot(winner.category.period)
    if snapshot is None:
        return None
    for category in snapshot.results["categories"]:
        for entry in category["winners"]:
            if entry["token"] == winner.verification_token:
                return category, entry
    return None


def awards_of(employee_id: int) -> list[AwardWinner]:
    """The employee's awards in published periods, newest first (for their own page)."""
    return list(
        db.session.scalars(
            select(AwardWinner)
            .join(AwardCategory, AwardCategory.id == AwardWinner.category_id)
            .join(AwardPeriod, AwardPeriod.id == AwardCategory.period_id)
            .where(
                AwardWinner.employee_id == employee_id,
                AwardPeriod.status == AwardStatus.PUBLISHED,
            )
            .order_by(AwardPeriod.ends_on.desc(), AwardWinner.id)
        )
    )
