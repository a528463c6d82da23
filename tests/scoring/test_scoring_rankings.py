import random
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.rankings import rank_by, rank_employees, ranking_key, ranking_order, shared_places
from scoring.scores import EmployeeScore, EmployeeStatsRow, score_employees

PROPERTY = settings(max_examples=200, deadline=None, database=None)


def emp(employee_id, score, count=10, name=None):
    return EmployeeScore(
        employee_id=employee_id,
        name=name or f"E{employee_id}",
        branch_id=None,
        count=count,
        mean=score,
        score=score,
        high_share=None,
        eligible=True,
    )


def order(ranked):
    return [r.employee.employee_id for r in ranked]


def test_rank_employees_orders_by_score_descending():
    assert order(rank_employees([emp(1, 4.1), emp(2, 4.6), emp(3, 3.9)])) == [2, 1, 3]


def test_equal_scores_rank_more_ratings_first():
    assert order(rank_employees([emp(1, 4.5, count=5), emp(2, 4.5, count=9)])) == [2, 1]


def test_equal_scores_and_counts_rank_by_name_ignoring_case():
    scores = [emp(1, 4.5, name="bo"), emp(2, 4.5, name="Anna"), emp(3, 4.5, name="Carl")]
    assert order(rank_employees(scores)) == [2, 1, 3]


def test_full_ties_rank_lower_employee_id_first():
    assert order(rank_employees([emp(9, 4.5, name="Li"), emp(4, 4.5, name="LI")])) == [4, 9]


def test_ranks_are_positions_never_shared():
    ranked = rank_employees([emp(i, 4.5, name="Same") for i in (3, 1, 2)])
    assert [r.rank for r in ranked] == [1, 2, 3]


def test_ranking_key_exposes_the_order():
    assert ranking_key(emp(7, 4.5, count=12, name="Li Na")) == (-4.5, -12, "li na", 7)


@pytest.mark.parametrize(
    ("previous", "expected"),
    [
        ({1: 3}, (3, 2)),
        ({1: 1}, (1, 0)),
        ({1: 1, 2: 2}, (1, 0)),
        ({}, (None, None)),
        (None, (None, None)),
    ],
)
def test_change_is_previous_rank_minus_rank(previous, expected):
    ranked = rank_employees([emp(1, 4.8), emp(2, 4.2)], previous_ranks=previous)
    assert (ranked[0].previous_rank, ranked[0].change) == expected


def test_moving_down_is_a_negative_change():
    ranked = rank_employees([emp(1, 4.8), emp(2, 4.2)], previous_ranks={2: 1})
    assert ranked[1].change == -1


def test_rank_employees_of_nobody_is_empty():
    assert rank_employees([]) == []


def test_rank_employees_rejects_repeated_employee():
    with pytest.raises(ValueError, match="more than once"):
        rank_employees([emp(1, 4.8), emp(1, 4.2)])


def test_rank_by_pairs_positions_with_items():
    assert rank_by(["b", "a"], key=lambda s: (s,), identity=lambda s: s) == [(1, "a"), (2, "b")]


def test_single_five_star_ranks_below_hundred_ratings_of_4_8():
    rows = [
        EmployeeStatsRow(1, "Newcomer", None, 1, 5.0, 1),
        EmployeeStatsRow(2, "Veteran", None, 100, 480.0, 95),
        EmployeeStatsRow(3, "Others", None, 300, 1080.0, 150),
    ]
    ranked = rank_employees(score_employees(rows, prior_weight=5.0, min_count=1))
    assert order(ranked).index(2) < order(ranked).index(1)


employee_scores = st.lists(
    st.builds(
        emp,
        employee_id=st.integers(min_value=1, max_value=10_000),
        score=st.sampled_from([3.5, 4.0, 4.25, 4.5, 5.0]),
        count=st.integers(min_value=0, max_value=3),
        name=st.sampled_from(["An", "an", "Bo", "BO", "Ça"]),
    ),
    max_size=30,
    unique_by=lambda e: e.employee_id,
)


@PROPERTY
@given(scores=employee_scores, seed=st.integers())
def test_ranking_does_not_depend_on_input_order(scores, seed):
    shuffled = scores[:]
    random.Random(seed).shuffle(shuffled)
    assert rank_employees(shuffled) == rank_employees(scores)


@PROPERTY
@given(scores=employee_scores)
def test_ranks_run_from_one_to_n(scores):
    assert [r.rank for r in rank_employees(scores)] == list(range(1, len(scores) + 1))


@PROPERTY
@given(scores=employee_scores)
def test_ranked_keys_strictly_increase(scores):
    keys = [ranking_key(r.employee) for r in rank_employees(scores)]
    assert all(a < b for a, b in pairwise(keys))


@PROPERTY
@given(st.lists(st.tuples(st.sampled_from([3.5, 4.0, 4.5]), st.integers(3, 5)), max_size=30))
def test_shared_places_mark_those_only_names_can_order(draws):
    ordered = ranking_order([emp(i, score, count) for i, (score, count) in enumerate(draws, 1)])
    keys = [(s.score, s.count) for s in ordered]
    assert shared_places(ordered) == [keys.count(key) > 1 for key in keys]
