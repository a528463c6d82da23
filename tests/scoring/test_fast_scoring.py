"""The fast paths of scoring: the same results as their plain references."""

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.gc_pause import without_cycle_collection
from scoring.rankings import rank_employees, ranked_slice, ranking_key, ranking_order, ranks_by_id
from scoring.scores import (
    EmployeeScore,
    EmployeeStatsRow,
    bayesian_score,
    bayesian_scorer,
    score_employees,
    score_totals,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)


@st.composite
def totals(draw):
    """(employee_id, name, branch_id, count, score_sum, high_count) that can be true."""
    count = draw(st.integers(min_value=0, max_value=40))
    score_sum = float(draw(st.integers(min_value=count, max_value=5 * count)))
    high = draw(st.integers(min_value=0, max_value=count))
    name = draw(st.sampled_from(["An", "an", "Bo", "BO", "Ça", "ça"]))
    return name, draw(st.sampled_from([None, 1, 2])), count, score_sum, high


rows_strategy = st.lists(totals(), max_size=40).map(
    lambda rows: [(i, *row) for i, row in enumerate(rows, start=1)]
)


@PROPERTY
@given(rows=rows_strategy, min_count=st.integers(min_value=0, max_value=5))
def test_score_totals_is_score_employees_over_tuples(rows, min_count):
    reference = score_employees([EmployeeStatsRow(*row) for row in rows], 5.0, min_count)
    assert score_totals(rows, 5.0, min_count) == reference


@pytest.mark.parametrize(
    "bad",
    [
        (1, "A", None, 2, 11.0, 0),
        (1, "A", None, 2, 1.0, 0),
        (1, "A", None, 2, 8.0, 3),
        (1, "A", None, 2, 8.0, -1),
        (1, "A", None, 2, float("nan"), 0),
    ],
)
def test_score_totals_refuses_totals_no_ratings_can_give(bad):
    # Beside a long record, so that the period's totals alone still look possible.
    with pytest.raises(ValueError):
        score_totals([(2, "B", None, 100, 400.0, 50), bad])


def test_score_totals_refuses_a_negative_minimum():
    with pytest.raises(ValueError):
        score_totals([], min_count=-1)


@PROPERTY
@given(
    count=st.integers(min_value=0, max_value=10_000),
    mean=st.floats(min_value=1, max_value=5),
    prior=st.floats(min_value=1, max_value=5),
    weight=st.floats(min_value=0, max_value=50),
)
def test_bayesian_scorer_is_bayesian_score(count, mean, prior, weight):
    score_sum = round(mean * count, 4)
    assert bayesian_scorer(prior, weight)(count, score_sum) == bayesian_score(
        count, score_sum, prior, weight
    )


def test_bayesian_scorer_refuses_a_negative_weight():
    with pytest.raises(ValueError):
        bayesian_scorer(4.0, -1.0)


def emp(employee_id, score, count, name):
    return EmployeeScore(employee_id, name, None, count, score, score, None, True)


tied_scores = st.lists(
    st.builds(
        emp,
        employee_id=st.integers(min_value=1, max_value=500),
        score=st.sampled_from([3.5, 4.0, 4.5, 4.500000000000001]),
        count=st.integers(min_value=0, max_value=3),
        name=st.sampled_from(["An", "an", "Bo", "BO", "Ça", "ça", "ß", "ss"]),
    ),
    max_size=60,
    unique_by=lambda e: e.employee_id,
)


@PROPERTY
@given(scores=tied_scores)
def test_rank_employees_orders_exactly_as_sorting_by_ranking_key(scores):
    ranked = rank_employees(scores)
    assert [r.employee for r in ranked] == sorted(scores, key=ranking_key)


def test_rank_employees_keeps_each_given_score_and_its_previous_rank():
    scores = [emp(1, 4.0, 3, "A"), emp(2, 4.5, 3, "B")]
    ranked = rank_employees(scores, {1: 1})
    assert [(r.rank, r.employee, r.previous_rank, r.change) for r in ranked] == [
        (1, scores[1], None, None),
        (2, scores[0], 1, -1),
    ]


@PROPERTY
@given(scores=tied_scores, start=st.integers(0, 70), size=st.integers(0, 70))
def test_a_ranked_slice_is_that_slice_of_rank_employees(scores, start, size):
    previous = {score.employee_id: n for n, score in enumerate(scores[::2], start=1)}
    whole = rank_employees(scores, previous)
    page = ranked_slice(ranking_order(scores), previous, start, start + size)
    assert page == whole[start : start + size]


@PROPERTY
@given(scores=tied_scores)
def test_ranks_by_id_are_the_ranks_of_rank_employees(scores):
    expected = {r.employee.employee_id: r.rank for r in rank_employees(scores)}
    assert ranks_by_id(ranking_order(scores)) == expected


def test_ranking_order_refuses_a_repeated_employee():
    with pytest.raises(ValueError, match="listed more than once: \\[1\\]"):
        ranking_order([emp(1, 4.0, 3, "A"), emp(1, 4.5, 3, "A")])


def test_cycle_collection_is_paused_inside_and_restored_after():
    seen = []

    @without_cycle_collection
    def work():
        seen.append(gc.isenabled())

    work()
    assert (seen, gc.isenabled()) == ([False], True)
    gc.disable()
    try:
        work()
        assert not gc.isenabled()
    finally:
        gc.enable()
