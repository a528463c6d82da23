"""A closed period's ranking, stored at closing: boards read it and show the same changes.

Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.
"""

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update

from core.database import begin_write
from core.extensions import db
from core.models import Employee, EmployeePeriodStats, PeriodRank, PeriodRanking, Rating
from core.services.people.employee_profile import update_employee
from core.services.points.rules import score_settings
from core.services.points.tiers import close_period
from core.services.ratings.aggregates_check import rebuild_aggregates
from core.services.ratings.leaderboard import employee_standing, leaderboard, previous_ranks
from core.services.ratings.leaderboard_ranks import stored_order
from core.services.ratings.moderation import hide_rating
from tests.concurrency import run_together
from tests.factories import make_branch, make_counted_rating, make_employee, make_user

CLOSED = "2026-10"
BOARD = "2026-11"
IN_CLOSED = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
IN_BOARD = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)


def _rate(employee, period: str, *overalls: int) -> list[Rating]:
    moment = IN_CLOSED if period == CLOSED else IN_BOARD
    return [
        make_counted_rating(employee, overall, period_key=period, verified_at=moment)
        for overall in overalls
    ]


@pytest.fixture
def staff(app):
    """Two branches; in the closed period ties of score and count (names in both cases),
    one employee with too few ratings, one barred and one inactive; the board's period
    ranks most of them again, in another order."""
    north, south = make_branch(name="North"), make_branch(name="South")
    people = {}
    for name, branch, closed, board in [
        ("anna", north, [5, 5, 4], [3, 3, 3]),
        ("Bert", north, [5, 5, 4], [4, 4, 4]),
        ("Cleo", south, [5, 5, 4], [5, 5, 5]),
        ("Dan", south, [4, 4, 4, 4], [5, 4, 4]),
        ("Eve", north, [3, 3, 3], [5, 5, 4, 4]),
        ("Few", south, [5, 5], [4, 4, 4]),
        ("Flagged", north, [5, 5, 5, 5], [4, 4, 4]),
        ("Gone", south, [5, 5, 5], [3, 3, 3]),
        ("Only closed", north, [2, 2, 2], []),
    ]:
        flags = {"disciplinary_flag": name == "Flagged", "active": name != "Gone"}
        people[name] = make_employee(branch=branch, display_name=name, **flags)
        _rate(people[name], CLOSED, *closed)
        _rate(people[name], BOARD, *board)
    db.session.commit()
    return people


def _branches() -> list[int | None]:
    return [None, *db.session.scalars(select(Employee.branch_id).distinct())]


def _changes() -> dict:
    """Every rank change a board shows: overall, per branch, and on each private page."""
    changes = {
        b: [(r.employee_id, r.rank, r.previous_rank, r.change) for r in leaderboard(BOARD, b)]
        for b in _branches()
    }
    for employee_id in db.session.scalars(select(Employee.id)):
        standing = employee_standing(employee_id, BOARD)
        if standing is not None:
            changes[employee_id] = [
                (row.rank, row.previous_rank, row.change)
                for row in (standing.overall, standing.in_branch)
            ]
    return changes


def _previous() -> dict:
    return {branch: previous_ranks(BOARD, branch) for branch in _branches()}


def _forget_stored() -> None:
    db.session.execute(delete(PeriodRank))
    db.session.execute(delete(PeriodRanking))
    db.session.commit()


def _actor():
    actor = make_user()
    db.session.commit()  # a write begins afresh: the actor must be there already
    return actor


def _is_stored() -> bool:
    return stored_order(CLOSED, score_settings()) is not None


def test_stored_ranks_are_the_computed_ranks(staff):
    computed = _previous()

    close_period(CLOSED, None)

    assert _is_stored()
    assert _previous() == computed
    assert computed[None], "the closed period has ranked employees"


def test_rank_changes_are_the_same_with_and_without_stored_ranks(staff):
    close_period(CLOSED, None)
    # Flags changed after the closing count as they do on a computed board.
    staff["Flagged"].disciplinary_flag = False
    staff["anna"].disciplinary_flag = True
    staff["Gone"].active = True
    staff["Dan"].active = False
    db.session.commit()

    assert _is_stored()
    with_stored = _changes()
    _forget_stored()

    assert _changes() == with_stored
    assert any(change for rows in with_stored.values() for *_, change in rows if change)


def test_hiding_a_rating_of_a_closed_period_stores_its_ranks_again(staff):
    close_period(CLOSED, None)
    before = previous_ranks(BOARD)
    [*_, rating] = db.session.scalars(
        select(Rating).where(Rating.employee_id == staff["Cleo"].id, Rating.period_key == CLOSED)
    )

    hide_rating(rating, _actor(), "Written by a colleague")  # Cleo's 4: now the top

    assert _is_stored()
    stored = _previous()
    assert stored[None] != before
    _forget_stored()
    assert _previous() == stored


def test_ratings_hidden_at_once_leave_the_stored_ranks_computed(app, staff):
    close_period(CLOSED, None)
    actor_id = _actor().id
    ratings = db.session.scalars(
        select(Rating.id).where(Rating.period_key == CLOSED, Rating.overall == 5).limit(4)
    ).all()
    db.session.commit()

    def hide(index: int) -> None:
        from core.models import User

        hide_rating(db.session.get(Rating, ratings[index]), db.session.get(User, actor_id), "Spam")

    assert run_together(app, len(ratings), hide) == [None] * len(ratings)

    db.session.rollback()
    stored = _previous()
    _forget_stored()
    assert _previous() == stored


def test_renaming_a_tied_employee_puts_their_tie_in_order_again(staff):
    close_period(CLOSED, None)
    tied = ["anna", "Bert", "Cleo"]
    ranks = previous_ranks(BOARD)
    assert sorted(ranks[staff[n].id] for n in tied) == [ranks[staff[n].id] for n in tied]
    anna = staff["anna"]

    stored_at = db.session.scalar(select(PeriodRanking.stored_at))

    update_employee(anna, anna.branch_id, "Zoe", anna.title, "", _actor())

    assert _is_stored()
    # Only the tie group was put in order again, not the whole period stored anew.
    assert db.session.scalar(select(PeriodRanking.stored_at)) == stored_at
    ranks = previous_ranks(BOARD)
    assert ranks[staff["Bert"].id] < ranks[staff["Cleo"].id] < ranks[anna.id]
    _forget_stored()
    assert previous_ranks(BOARD) == ranks


def test_other_score_settings_rank_the_closed_period_again(app, staff):
    close_period(CLOSED, None)
    app.config["SCORE_MIN_COUNT"] = 4

    assert not _is_stored()
    with_stored_settings_changed = _previous()
    _forget_stored()
    assert _previous() == with_stored_settings_changed
    assert staff["anna"].id not in with_stored_settings_changed[None]


def test_rebuilding_the_aggregates_stores_closed_rankings_again(staff):
    # Drift: the closing ranks Eve from aggregates that overstate her ratings.
    db.session.execute(
        update(EmployeePeriodStats)
        .where(
            EmployeePeriodStats.employee_id == staff["Eve"].id,
            EmployeePeriodStats.period_key == CLOSED,
        )
        .values(score_sum=15.0, high_count=3)
    )
    db.session.commit()
    close_period(CLOSED, None)
    assert previous_ranks(BOARD)[staff["Eve"].id] == 1

    begin_write()
    rebuild_aggregates()

    assert _is_stored()
    stored = _previous()
    assert stored[None][staff["Eve"].id] != 1
    _forget_stored()
    assert _previous() == stored


def test_a_period_never_closed_is_ranked_on_each_board(staff):
    computed = _changes()

    assert not _is_stored()
    assert db.session.scalar(select(PeriodRanking.period_key)) is None
    close_period(CLOSED, None)
    assert _changes() == computed
