import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.composite import (
    DEFAULT_STAGE_WEIGHTS,
    SOURCES,
    CompositeLine,
    composite,
    panel_score,
    rank_composites,
    shortlist,
    ten_point_to_100,
    validate_weights,
    votes_to_100,
)
from tests.scoring.exact import exactly

PROPERTY = settings(max_examples=200, deadline=None, database=None)
FINAL = DEFAULT_STAGE_WEIGHTS["final"]


@st.composite
def stage_weights(draw):
    """Whole-number weights over a non-empty subset of SOURCES, totalling 100."""
    sources = draw(st.lists(st.sampled_from(SOURCES), min_size=1, unique=True))
    cuts = sorted(
        draw(st.lists(st.integers(0, 100), min_size=len(sources) - 1, max_size=len(sources) - 1))
    )
    bounds = [0, *cuts, 100]
    return {s: bounds[i + 1] - bounds[i] for i, s in enumerate(sources)}


percents = st.floats(min_value=0, max_value=100)


@pytest.mark.parametrize("stage", sorted(DEFAULT_STAGE_WEIGHTS))
def test_default_stage_weights_are_valid(stage):
    assert validate_weights(DEFAULT_STAGE_WEIGHTS[stage]) == DEFAULT_STAGE_WEIGHTS[stage]


def test_validate_weights_returns_sources_in_canonical_order():
    weights = {"judges": 50, "customer": 50}
    assert list(validate_weights(weights)) == ["customer", "judges"]


def test_validate_weights_sums_as_decimals():
    assert validate_weights({"customer": 33.3, "supervisor": 33.3, "judges": 33.4})


UNKNOWN_VOTES = (
    "unknown sources ['votes']; "
    "expected some of ('customer', 'supervisor', 'colleagues', 'self', 'judges')"
)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"customer": 90, "votes": 10}, UNKNOWN_VOTES),
        ({"customer": 110, "judges": -10}, "weight of customer must be 0..100, not 110"),
        ({"customer": 100.5, "judges": -0.5}, "weight of customer must be 0..100, not 100.5"),
        ({"customer": 100, "judges": -0.5}, "weight of judges must be 0..100, not -0.5"),
        ({"customer": math.nan}, "weight of customer must be 0..100, not nan"),
        ({"customer": "100"}, "weight of customer must be a number, not '100'"),
        ({"customer": True, "judges": 99}, "weight of customer must be a number, not True"),
        ({"customer": 99}, "weights must total 100, not 99"),
        ({"customer": 60, "judges": 41}, "weights must total 100, not 101"),
        ({"customer": 60, "judges": 39.9}, "weights must total 100, not 99.9"),
        ({}, "weights must total 100, not 0"),
    ],
)
def test_validate_weights_rejects_bad_weights(weights, message):
    with pytest.raises(ValueError, match=exactly(message)):
        validate_weights(weights)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([80], 80.0),
        ([70, 90], 80.0),
        ([0, 60, 90, 100], 62.5),
        ([10, 70, 80, 90, 100], 80.0),
        ([0, 0, 100, 100, 100], 200 / 3),
        ([0, 50, 60, 70, 80, 100], 65.0),
    ],
)
def test_panel_score_drops_one_highest_and_lowest_from_five_judges(scores, expected):
    assert panel_score(scores) == pytest.approx(expected)


def test_panel_score_without_judges_is_none():
    assert panel_score([]) is None


@pytest.mark.parametrize(("values", "expected"), [([10], 100.0), ([1], 0.0), ([1, 10], 50.0)])
def test_ten_point_to_100_maps_mean_of_criteria(values, expected):
    assert ten_point_to_100(values) == pytest.approx(expected)


def test_ten_point_to_100_needs_a_criterion_score():
    with pytest.raises(ValueError, match=exactly("at least one criterion score is needed")):
        ten_point_to_100([])


@pytest.mark.parametrize(
    ("values", "shown"),
    [([0], "0"), ([11], "11"), ([5.5], "5.5"), ([True], "True"), ([7, "8"], "'8'")],
)
def test_ten_point_to_100_rejects_bad_criteria(values, shown):
    message = f"criterion scores must be whole numbers 1..10, not {shown}"
    with pytest.raises(ValueError, match=exactly(message)):
        ten_point_to_100(values)


@pytest.mark.parametrize(
    ("votes", "max_votes", "expected"), [(0, 0, 0.0), (5, 10, 50.0), (10, 10, 100.0), (0, 7, 0.0)]
)
def test_votes_to_100_is_share_of_top_vote_count(votes, max_votes, expected):
    assert votes_to_100(votes, max_votes) == expected


@pytest.mark.parametrize(("votes", "max_votes"), [(-1, 10), (11, 10), (1, 0)])
def test_votes_to_100_rejects_impossible_counts(votes, max_votes):
    message = f"votes must be 0..max_votes ({max_votes}), not {votes}"
    with pytest.raises(ValueError, match=exactly(message)):
        votes_to_100(votes, max_votes)


def test_composite_weighs_each_source():
    scores = {"customer": 90, "supervisor": 80, "colleagues": 70, "self": 60, "judges": 50}
    result = composite(1, "Li Na", scores, FINAL)
    assert result.total == 27 + 12 + 10.5 + 6 + 15
    assert result.lines[0] == CompositeLine("customer", 30.0, 90.0, 27.0, False)


def test_composite_counts_missing_source_as_zero_and_flags_it():
    result = composite(
        1, "Li Na", {"customer": 80, "judges": None}, DEFAULT_STAGE_WEIGHTS["second"]
    )
    assert result.total == 32.0
    assert [line.source for line in result.lines if line.missing] == [
        "supervisor",
        "colleagues",
        "judges",
    ]


def test_composite_ignores_sources_without_weight():
    result = composite(1, "Li Na", {"customer": 80, "self": 10}, {"customer": 100})
    assert (result.total, [line.source for line in result.lines]) == (80.0, ["customer"])


def test_composite_rounds_total_to_two_decimals():
    result = composite(
        1, "Li Na", {"customer": 33.333, "judges": 66.667}, {"customer": 50, "judges": 50}
    )
    assert result.total == 50.0
    assert composite(1, "Li Na", {"customer": 12.3456}, {"customer": 100}).total == 12.35


def test_composite_keeps_customer_score_for_tie_breaks():
    assert composite(1, "Li Na", {"judges": 90}, {"judges": 100}).customer == 0.0
    assert composite(1, "Li Na", {"customer": 70}, {"customer": 100}).customer == 70.0


@pytest.mark.parametrize(
    ("normalised", "weights", "message"),
    [
        ({"customer": 101}, {"customer": 100}, "score of customer must be 0..100, not 101"),
        ({"customer": -1}, {"customer": 100}, "score of customer must be 0..100, not -1"),
        ({"judges": "90"}, {"customer": 100}, "score of judges must be a number, not '90'"),
        ({"customer": 50, "votes": 50}, {"customer": 100}, UNKNOWN_VOTES),
        ({"customer": 50}, {"customer": 90}, "weights must total 100, not 90"),
    ],
)
def test_composite_rejects_bad_input(normalised, weights, message):
    with pytest.raises(ValueError, match=exactly(message)):
        composite(1, "Li Na", normalised, weights)


def result(candidate_id, total, customer=None, name=None):
    """A half customer, half judges result with the given total."""
    customer = total if customer is None else customer
    return composite(
        candidate_id,
        name or f"C{candidate_id}",
        {"customer": customer, "judges": 2 * total - customer},
        {"customer": 50, "judges": 50},
    )


def ids(ranked):
    return [r.candidate_id for _, r in ranked]


def test_rank_composites_orders_by_total_descending():
    assert ids(rank_composites([result(1, 60), result(2, 80), result(3, 70)])) == [2, 3, 1]


def test_equal_totals_rank_higher_customer_score_first():
    assert ids(rank_composites([result(1, 70, customer=60), result(2, 70, customer=80)])) == [2, 1]


def test_equal_totals_and_customer_scores_rank_by_name_then_id():
    ranked = rank_composites(
        [result(3, 70, name="bo"), result(2, 70, name="Bo"), result(1, 70, name="Al")]
    )
    assert ranked == [
        (1, result(1, 70, name="Al")),
        (2, result(2, 70, name="Bo")),
        (3, result(3, 70, name="bo")),
    ]


def test_rank_composites_rejects_repeated_candidate():
    with pytest.raises(ValueError, match="more than once"):
        rank_composites([result(1, 70), result(1, 60)])


@pytest.mark.parametrize(("n", "expected"), [(0, []), (2, [3, 2]), (5, [3, 2, 1])])
def test_shortlist_takes_first_n(n, expected):
    ranked = rank_composites([result(1, 60), result(2, 70), result(3, 80)])
    assert ids(shortlist(ranked, n)) == expected


def test_shortlist_rejects_negative_n():
    with pytest.raises(ValueError, match="n must"):
        shortlist([], -1)


@PROPERTY
@given(weights=stage_weights())
def test_full_marks_from_every_source_give_100(weights):
    assert composite(1, "Li Na", dict.fromkeys(SOURCES, 100), weights).total == 100.0


@PROPERTY
@given(weights=stage_weights(), scores=st.fixed_dictionaries({s: percents for s in SOURCES}))
def test_composite_total_stays_within_0_and_100(weights, scores):
    assert 0 <= composite(1, "Li Na", scores, weights).total <= 100


@PROPERTY
@given(scores=st.lists(percents, min_size=5, max_size=15), extreme=percents)
def test_panel_ignores_how_extreme_the_top_score_is(scores, extreme):
    raised = sorted(scores)
    raised[-1] = max(raised[-1], extreme)
    assert panel_score(raised) == panel_score(scores)


@PROPERTY
@given(scores=st.lists(percents, min_size=5, max_size=15), extreme=percents)
def test_panel_ignores_how_extreme_the_bottom_score_is(scores, extreme):
    lowered = sorted(scores)
    lowered[0] = min(lowered[0], extreme)
    assert panel_score(lowered) == panel_score(scores)
