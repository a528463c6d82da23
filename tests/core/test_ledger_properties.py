"""Property tests of the ledger on the database: any sequence of actions keeps its rules."""

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.extensions import db
from core.models import PointsEntry, SurpriseStatus
from core.services import DomainError
from core.services.points.ledger import (
    SurpriseCapReached,
    adjust_points,
    award_surprise_bonus,
    balance_of,
    reverse_rating,
    spend_points,
)
from core.services.ratings.aggregates_check import find_drift
from tests.factories import make_counted_rating, make_employee

actions = st.lists(
    st.one_of(
        st.tuples(st.just("rate"), st.integers(1, 5)),
        st.tuples(st.just("spend"), st.integers(1, 12)),
        st.tuples(st.just("adjust"), st.integers(-8, 8)),
        st.tuples(st.just("hide"), st.integers(0, 9)),
        st.tuples(st.just("bonus"), st.integers(0, 9)),
    ),
    max_size=15,
)


def ledger_sum(employee_id: int) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(PointsEntry.amount), 0)).where(
            PointsEntry.employee_id == employee_id
        )
    )


def apply(action: str, value: int, employee, ratings: list) -> None:
    """One user action; refusals (DomainError) are part of the game."""
    with contextlib.suppress(DomainError):
        _apply(action, value, employee, ratings)


def _apply(action: str, value: int, employee, ratings: list) -> None:
    if action == "rate":
        ratings.append(
            make_counted_rating(employee, overall=value, surprise_status=SurpriseStatus.CLAIMED)
        )
    elif action == "spend":
        spend_points(employee.id, value, f"redemption:{len(ratings)}-{value}", None)
    elif action == "adjust":
        adjust_points(employee, value, None, "Property test")
    elif ratings and action == "hide":
        reverse_rating(ratings[value % len(ratings)], None, "Property test")
    elif ratings and action == "bonus":
        award_surprise_bonus(ratings[value % len(ratings)], None)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=actions)
def test_balance_is_the_non_negative_sum_of_entries_after_any_actions(app, steps):
    employee = make_employee()
    ratings: list = []
    for action, value in steps:
        apply(action, value, employee, ratings)
        balance = balance_of(employee.id)
        assert balance == ledger_sum(employee.id)
        assert balance >= 0
    assert find_drift() == []
    db.session.rollback()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=actions, overall=st.integers(1, 5), bonus=st.booleans())
def test_reversing_an_unspent_rating_restores_the_balance(app, before, overall, bonus):
    employee = make_employee()
    ratings: list = []
    for action, value in before:
        apply(action, value, employee, ratings)
    start = balance_of(employee.id)
    rating = make_counted_rating(employee, overall=overall, surprise_status=SurpriseStatus.CLAIMED)
    if bonus:
        # The actions before may have used up the period's surprise bonuses (the cap).
        with contextlib.suppress(SurpriseCapReached):
            award_surprise_bonus(rating, None)
    reverse_rating(rating, None, "Property test")
    assert balance_of(employee.id) == start
    db.session.rollback()
