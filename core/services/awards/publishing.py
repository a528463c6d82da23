"""Publish an award period: check it, then freeze its results in an AwardSnapshot.

Publishing stores the results as they are at that moment (ranked candidates with
scores and counts, winners and citations, the rules in force and who was barred) in an
AwardSnapshot. The wall of fame, the certificates and the verification page read only
snapshots, so later ratings, moderation or rule changes never alter what was published;
core.services.awards.reproduce recomputes them to prove it.

A period is published once: after its last local day, or earlier with a written reason;
with at least one winner; and only when every winner is still eligible or was picked
with an override reason. Publishing grants the winners' place rewards (points.place_rewards).
"""

from flask_babel import lazy_gettext as _l

from core.database import write_locked
from core.extensions import db
from core.models import AwardPeriod, AwardSnapshot, AwardStatus, AwardWinner, User, utcnow
from core.services.audit import record_audit
from core.services.awards.candidates import Candidate, barred, candidates, ineligibility
from core.services.awards.winners import AwardError, written_reason
from core.services.notices.announcements import announce_period
from core.services.periods import local_day
from core.services.points.rules import current_points_rules, current_weights, score_settings

# The snapshot keeps the top of each ranking; enough to show and to explain the winners.
SNAPSHOT_CANDIDATES = 50


def is_running(period: AwardPeriod) -> bool:
    """Is the period's last local day today or still to come?"""
    return local_day(utcnow()) <= period.ends_on


def _early_reason(period: AwardPeriod, reason: str | None) -> str | None:
    """The reason to publish before the period is over (None when it is over)."""
    if not is_running(period):
        return None
    missing = _l(
        "The period runs until %(day)s. To publish early, tick “Publish early” and give a reason.",
        day=period.ends_on.isoformat(),
    )
    return written_reason(reason, "early_reason", missing)


def _check_winners(period: AwardPeriod, listed: dict[int, list[Candidate]]) -> None:
    """Refuse when a winner picked without an override is no longer eligible."""
    if not any(category.winners for category in period.categories):
        raise AwardError(_l("Pick at least one winner before publishing."))
    lapsed = [
        f"{winner.employee.display_name} ({'; '.join(reasons)})"
        for category in period.categories
        for winner in category.winners
        if not winner.override_reason
        and (reasons := ineligibility(category, winner.employee, listed[category.id]))
    ]
    if lapsed:
        raise AwardError(
            _l(
                "No longer eligible: %(names)s. Remove them, or add them again with a reason.",
                names=", ".join(lapsed),
            )
        )


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


def _results(period: AwardPeriod, listed: dict[int, list[Candidate]]) -> dict:
    """The frozen, JSON-ready results of the period as they stand now."""
    settings = score_settings()
    categories = []
    for category in period.categories:
        rows = [c.to_dict() for c in listed[category.id]]
        ranked = {c["employee_id"]: c for c in rows}
        categories.append(
            {
                "name": category.name,
                "kind": category.kind.value,
                "candidates": rows[:SNAPSHOT_CANDIDATES],
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
            # Employees rated in the period but barred then, so a later change of their
            # state does not change a reproduction.
            "barred": barred(period),
        },
        "categories": categories,
    }


def publish_period(
    period_id: int, actor: User | None, early_reason: str | None = None
) -> AwardSnapshot:
    """Check the period, freeze its results in a snapshot, show it on the wall; commits.

    `early_reason` is needed (and kept) only while the period is still running.
    """
    period = write_locked(AwardPeriod, period_id)
    try:
        if period.status is not AwardStatus.DRAFT:
            raise AwardError(_l("Only a draft period can be published."))
        listed = {category.id: candidates(category) for category in period.categories}
        _check_winners(period, listed)
        early = _early_reason(period, early_reason)
    except AwardError:
        db.session.rollback()
        raise
    now = utcnow()
    snapshot = AwardSnapshot(
        period=period,
        results=_results(period, listed),
        published_at=now,
        published_by_id=actor.id if actor else None,
    )
    period.status = AwardStatus.PUBLISHED
    period.published_at = now
    period.early_publish_reason = early
    db.session.add(snapshot)
    db.session.flush()
    announce_period(period, actor)
    after = {"status": "published", "snapshot": snapshot.id}
    if early:
        after["early_publish_reason"] = early
    record_audit(
        "award_period.publish", "award_period", period.id, {"status": "draft"}, after, user=actor
    )
    db.session.commit()
    return snapshot
