"""A closed period's ranking, stored when it is closed: later boards read its ranks.

A leaderboard shows each employee's change of rank against the period before, so every
board used to rank two periods. The period before is usually closed
(core.services.points.tiers.close_period), and from then on its ranking changes only
when one of its ratings is hidden or the aggregates are rebuilt (each stores it again
here), or an employee who ties with another on score and count is renamed (names order
ties: their tie group is put in order again). Inactive and disciplinary flags are not
stored but applied when the ranks are read, as a computed board applies them.

Stored: every eligible employee's place in ranking order, the inactive and barred
included, and the score settings it was ranked with. A board whose settings differ
(SCORE_PRIOR_WEIGHT or SCORE_MIN_COUNT changed since) ranks the period itself; so does a
board after a period never closed, as before anything was stored.
"""

from sqlalchemy import delete, insert, select

from core.database import lock_key
from core.extensions import db
from core.models import Employee, EmployeePeriodStats, PeriodRank, PeriodRanking, utcnow
from core.services.points.rules import ScoreSettings
from core.services.ratings.period_scores import period_scores, read
from scoring.rankings import ranking_order, shared_places
from scoring.scores import EmployeeScore


def _lock(key: str) -> None:
    """Storers of one period's ranking take turns (PostgreSQL; SQLite's write lock)."""
    lock_key(f"period-ranking:{key}")


def store_ranks(key: str) -> None:
    """Store the period's ranking as it is now, replacing a stored one.

    Inside a write (core.database.begin_write), not committed.
    """
    _lock(key)
    db.session.flush()
    period = period_scores(key)
    ordered = ranking_order([s for s in period.scores if s.eligible])
    db.session.execute(delete(PeriodRank).where(PeriodRank.period_key == key))
    db.session.execute(delete(PeriodRanking).where(PeriodRanking.period_key == key))
    db.session.execute(
        insert(PeriodRanking).values(
            period_key=key,
            prior_weight=period.settings.prior_weight,
            min_count=period.settings.min_count,
            stored_at=utcnow(),
        )
    )
    if ordered:
        places = enumerate(zip(ordered, shared_places(ordered), strict=True), start=1)
        db.session.execute(
            insert(PeriodRank),
            [
                {"period_key": key, "place": place, "employee_id": s.employee_id,
                 "branch_id": s.branch_id, "tied": tied}
                for place, (s, tied) in places
            ],
        )  # fmt: skip


def _stored_keys(*conditions) -> list[str]:
    query = select(PeriodRanking.period_key).where(*conditions).order_by(PeriodRanking.period_key)
    return list(db.session.scalars(query))


def refresh_stored_ranks(key: str) -> None:
    """After a change to the period's ratings (same transaction, inside a write): store
    its ranking again when one is stored."""
    _lock(key)  # before looking: a closing under way stores after this change
    if _stored_keys(PeriodRanking.period_key == key):
        store_ranks(key)


def refresh_every_stored_ranking() -> None:
    """Store every stored period's ranking again (after the aggregates were rebuilt)."""
    for key in _stored_keys():
        store_ranks(key)


def refresh_after_rename(employee_id: int) -> None:
    """After the employee's name changed (inside a write): in every stored ranking where
    they tie on score and count, put their tie group back in name order."""
    tied = select(PeriodRank.period_key).where(
        PeriodRank.employee_id == employee_id, PeriodRank.tied
    )
    for key in _stored_keys(PeriodRanking.period_key.in_(tied)):
        _lock(key)
        _reorder_tie(key, employee_id)


def _reorder_tie(key: str, employee_id: int) -> None:
    """The employee's tie group of the stored ranking, in ranking order again: the group
    keeps its places, names (and ids) order it. Only the group is read and rewritten,
    not the whole period (0.3 s at 10,000 employees)."""
    stats = EmployeePeriodStats
    (count, total), *_ = read(
        select(stats.rating_count, stats.score_sum).where(
            stats.period_key == key, stats.employee_id == employee_id
        )
    )
    group = read(
        select(PeriodRank.place, PeriodRank.employee_id, PeriodRank.branch_id)
        .add_columns(Employee.display_name)
        .join(stats, (stats.period_key == key) & (stats.employee_id == PeriodRank.employee_id))
        .join(Employee, Employee.id == PeriodRank.employee_id)
        .where(PeriodRank.period_key == key, stats.rating_count == count, stats.score_sum == total)
    )
    # The same count and sum in one period give the same score: names and ids decide.
    ordered = ranking_order(
        EmployeeScore(member, name, branch, count, None, 0.0, None, True)
        for _place, member, branch, name in group
    )
    ids = [member for _place, member, _branch, _name in group]
    db.session.execute(
        delete(PeriodRank).where(PeriodRank.period_key == key, PeriodRank.employee_id.in_(ids))
    )
    places = sorted(place for place, *_ in group)
    db.session.execute(
        insert(PeriodRank),
        [
            {"period_key": key, "place": place, "employee_id": s.employee_id,
             "branch_id": s.branch_id, "tied": len(group) > 1}
            for place, s in zip(places, ordered, strict=True)
        ],
    )  # fmt: skip


def stored_order(key: str, settings: ScoreSettings) -> list[tuple[int, int]] | None:
    """(employee_id, branch_id) of the period's eligible employees in ranking order; None
    when nothing is stored with these score settings."""
    ranking = read(
        select(PeriodRanking.prior_weight, PeriodRanking.min_count).where(
            PeriodRanking.period_key == key
        )
    )
    if not ranking or tuple(ranking[0]) != (settings.prior_weight, settings.min_count):
        return None
    return read(
        select(PeriodRank.employee_id, PeriodRank.branch_id)
        .where(PeriodRank.period_key == key)
        .order_by(PeriodRank.place)
    )
