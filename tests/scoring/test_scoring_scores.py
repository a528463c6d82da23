import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scoring.scores import (
    DEFAULT_WEIGHTS,
    EmployeeStatsRow,
    PeriodStats,
    bayesian_score,
    check_stars,
    display_score,
    is_high,
    normalise_score,
    period_mean,
    rating_score,
    score_employees,
)
from tests.scoring.exact import exactly

PROPERTY = settings(max_examples=200, deadline=None, database=None)
score_values = st.floats(min_value=1, max_value=5)
prior_weights = st.floats(min_value=0.5, max_value=50)


def row(employee_id, count, score_sum, high_count=0, name=None, branch_id=None):
    return EmployeeStatsRow(
        employee_id, name or f"E{employee_id}", branch_id, count, score_sum, high_count
    )


@pytest.mark.parametrize(
    ("stars", "expected"),
    [
        ({"overall": 4}, 4.0),
        ({"overall": 4, "attitude": None, "skill": None, "efficiency": None}, 4.0),
        ({"overall": 5, "attitude": 4, "skill": 4, "efficiency": 3}, 4.0),
        ({"overall": 5, "attitude": 4, "skill": 4}, 4.3333),
        ({"overall": 5, "attitude": 4, "skill": None}, 4.5),
        ({"attitude": 2, "skill": 3}, 2.5),
        ({"overall": 5, "mood": 1}, 5.0),
    ],
)
def test_rating_score_is_mean_of_rated_dimensions(stars, expected):
    assert rating_score(stars, DEFAULT_WEIGHTS) == expected


def test_rating_score_applies_weights():
    weights = {"overall": 2.0, "attitude": 1.0, "skill": 1.0}
    assert rating_score({"overall": 5, "attitude": 3, "skill": 1}, weights) == 3.5


def test_rating_score_ignores_dimensions_without_weight():
    assert rating_score({"overall": 5, "attitude": 1}, {"overall": 1.0}) == 5.0


def test_rating_score_rounds_to_four_decimals():
    weights = {"overall": 1.0, "attitude": 2.0}
    assert rating_score({"overall": 5, "attitude": 4}, weights) == 4.3333


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ({"overall": 0.5, "attitude": 0.5}, 3.5),  # (2.5 + 1) / 1
        ({"overall": 0.25, "attitude": 0.5}, 3.0),  # (1.25 + 1) / 0.75
        ({"overall": 0.001, "attitude": 0.003}, 2.75),  # (0.005 + 0.006) / 0.004
    ],
)
def test_rating_score_weighs_dimensions_when_weights_sum_to_one_or_less(weights, expected):
    """Only all-zero weights fall back to overall stars; small weights still weigh."""
    assert rating_score({"overall": 5, "attitude": 2}, weights) == expected


@pytest.mark.parametrize(
    "weights",
    [
        {"overall": 0.0, "attitude": 0.0},
        {"attitude": 0.0},
        {"skill": 1.0},
    ],
)
def test_rating_score_falls_back_to_overall_without_usable_weight(weights):
    assert rating_score({"overall": 4, "attitude": 1}, weights) == 4.0


@pytest.mark.parametrize("stars", [{}, {"overall": None}, {"overall": None, "attitude": None}])
def test_rating_score_rejects_empty_rating(stars):
    message = "the rating has no weighted dimension and no overall stars"
    with pytest.raises(ValueError, match=exactly(message)):
        rating_score(stars, DEFAULT_WEIGHTS)


@pytest.mark.parametrize("bad", [0, 6, -1, 4.5, 4.0, "5", True])
def test_rating_score_rejects_stars_outside_one_to_five(bad):
    with pytest.raises(ValueError, match="stars"):
        rating_score({"overall": 4, "skill": bad}, DEFAULT_WEIGHTS)


def test_rating_score_names_the_dimension_with_bad_stars():
    with pytest.raises(ValueError, match=exactly("skill: stars must be 1..5, not 6")):
        rating_score({"overall": 4, "skill": 6}, DEFAULT_WEIGHTS)


@pytest.mark.parametrize(
    ("bad", "shown"), [(-1.0, "-1.0"), (-0.001, "-0.001"), (math.nan, "nan"), (math.inf, "inf")]
)
def test_rating_score_rejects_negative_or_non_finite_weight(bad, shown):
    message = f"skill: weight must be a finite number >= 0, not {shown}"
    with pytest.raises(ValueError, match=exactly(message)):
        rating_score({"overall": 4}, {"overall": 1.0, "skill": bad})


@pytest.mark.parametrize("stars", [1, 2, 3, 4, 5])
def test_check_stars_accepts_one_to_five(stars):
    assert check_stars(stars) == stars


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "overall: stars must be 1..5, not 0"),
        (4.5, "overall: stars must be a whole number, not 4.5"),
    ],
)
def test_check_stars_names_overall_by_default(value, message):
    with pytest.raises(ValueError, match=exactly(message)):
        check_stars(value)


@pytest.mark.parametrize(("overall", "high"), [(1, False), (3, False), (4, True), (5, True)])
def test_is_high_means_four_or_five_stars(overall, high):
    assert is_high(overall) is high


def test_bayesian_score_without_ratings_is_prior_mean():
    assert bayesian_score(0, 0.0, prior_mean=4.2) == 4.2


def test_bayesian_score_blends_prior_weight_ratings_at_prior_mean():
    assert bayesian_score(1, 5.0, prior_mean=4.0, prior_weight=5.0) == pytest.approx(25 / 6)


def test_bayesian_score_prior_weight_defaults_to_five():
    assert bayesian_score(1, 5.0, prior_mean=4.0) == pytest.approx(25 / 6)  # (20 + 5) / 6


def test_bayesian_score_with_zero_prior_weight_is_plain_mean():
    assert bayesian_score(4, 18.0, prior_mean=3.0, prior_weight=0.0) == 4.5


def test_bayesian_score_uses_a_prior_weight_other_than_five():
    assert bayesian_score(2, 9.0, prior_mean=3.0, prior_weight=10.0) == 3.25  # (30 + 9) / 12


@pytest.mark.parametrize(
    ("count", "score_sum", "prior_mean", "prior_weight", "expected"),
    [
        (1, 4.3333, 4.0, 5.0, 4.05555),  # (20 + 4.3333) / 6
        (3, 13.3333, 4.0, 5.0, 4.1666625),  # (20 + 13.3333) / 8
        (3, 13.3333, 3.9, 2.5, 4.1969636),  # (9.75 + 13.3333) / 5.5 = 4.19696363..
        (2, 7.5, 4.1, 0.5, 3.82),  # (2.05 + 7.5) / 2.5
    ],
)
def test_bayesian_score_of_fractional_sums_and_weights(
    count, score_sum, prior_mean, prior_weight, expected
):
    """Rating scores such as 13/3 give sums, means and weights that are not whole."""
    score = bayesian_score(count, score_sum, prior_mean, prior_weight)
    assert score == pytest.approx(expected)


@pytest.mark.parametrize(
    ("count", "prior_weight", "message"),
    [
        (-1, 5.0, "count must be >= 0, not -1"),
        (1, -0.5, "prior_weight must be a finite number >= 0, not -0.5"),
        (1, math.nan, "prior_weight must be a finite number >= 0, not nan"),
        (1, math.inf, "prior_weight must be a finite number >= 0, not inf"),
    ],
)
def test_bayesian_score_rejects_bad_count_or_prior_weight(count, prior_weight, message):
    with pytest.raises(ValueError, match=exactly(message)):
        bayesian_score(count, 4.0, prior_mean=4.0, prior_weight=prior_weight)


def test_period_mean_is_sum_over_count():
    assert period_mean(4, 18.0) == 4.5


@pytest.mark.parametrize(("default", "expected"), [(3.0, 3.0), (4.1, 4.1)])
def test_period_mean_without_ratings_is_default(default, expected):
    assert period_mean(0, 0.0, default=default) == expected


@pytest.mark.parametrize(
    ("count", "score_sum", "high_count", "message"),
    [
        (-1, 0.0, 0, "count must be >= 0, not -1"),
        (2, 9.0, 3, "high_count must be 0..count (2), not 3"),
        (2, 9.0, -1, "high_count must be 0..count (2), not -1"),
        (2, 1.5, 0, "score_sum of 2 ratings must be 2..10, not 1.5"),
        (2, 10.5, 0, "score_sum of 2 ratings must be 2..10, not 10.5"),
        (0, 1.0, 0, "score_sum of 0 ratings must be 0..0, not 1.0"),
        (1000, 5000.00001, 0, "score_sum of 1000 ratings must be 1000..5000, not 5000.00001"),
    ],
)
def test_totals_that_cannot_come_from_ratings_are_rejected(count, score_sum, high_count, message):
    with pytest.raises(ValueError, match=exactly(message)):
        PeriodStats(count, score_sum, high_count)
    with pytest.raises(ValueError, match=exactly(message)):
        row(1, count, score_sum, high_count)


@pytest.mark.parametrize(
    ("count", "score_sum"),
    [
        (0, 9.414691248821327e-14),  # 1000 ratings of 4.3333 added, then all taken off again
        (1000, 5000.0000001),
        (1000, 999.9999999),
    ],
)
def test_totals_may_stray_from_their_bounds_by_float_noise(count, score_sum):
    """A running total may overshoot its bounds (1 and 5 a rating) by 1e-9 a rating."""
    assert PeriodStats(count, score_sum, high_count=0).score_sum == score_sum


def test_period_stats_mean_and_high_share():
    stats = PeriodStats(count=4, score_sum=18.0, high_count=3)
    assert (stats.mean, stats.high_share) == (4.5, 0.75)


def test_period_stats_without_ratings_have_no_mean_or_share():
    stats = PeriodStats(count=0, score_sum=0.0, high_count=0)
    assert (stats.mean, stats.high_share) == (None, None)


SHRINK_ROWS = [row(1, 5, 25.0, 5), row(2, 15, 55.0, 6)]  # period mean 80 / 20 = 4.0


def test_score_employees_shrinks_towards_mean_of_all_rows():
    first, second = score_employees(SHRINK_ROWS, prior_weight=5.0)
    assert (first.score, second.score) == (4.5, 3.75)  # (20 + 25) / 10, (20 + 55) / 20


def test_score_employees_prior_weight_defaults_to_five():
    assert [s.score for s in score_employees(SHRINK_ROWS)] == [4.5, 3.75]


def test_score_employees_uses_the_given_prior_weight():
    """SCORE_PRIOR_WEIGHT reaches the score: 10 imaginary ratings at the mean, not 5."""
    first, second = score_employees(SHRINK_ROWS, prior_weight=10.0)
    assert (first.score, second.score) == (pytest.approx(13 / 3), 3.8)  # 65 / 15, 95 / 25


def test_score_employees_with_fractional_sums():
    rows = [row(1, 3, 13.3333), row(2, 7, 26.6667)]  # period mean 40 / 10 = 4.0
    first, second = score_employees(rows, prior_weight=5.0)
    assert first.score == pytest.approx(4.1666625)  # (20 + 13.3333) / 8
    assert second.score == pytest.approx(3.8888917)  # (20 + 26.6667) / 12 = 3.88889166..


def test_score_employees_reports_mean_share_and_identity():
    (result,) = score_employees([row(7, 4, 18.0, 3, name="Li Na", branch_id=2)])
    assert (result.employee_id, result.name, result.branch_id) == (7, "Li Na", 2)
    assert (result.count, result.mean, result.high_share) == (4, 4.5, 0.75)


def test_score_employees_without_ratings_scores_the_period_mean():
    result = score_employees([row(1, 0, 0.0), row(2, 3, 15.0)])[0]
    assert (result.mean, result.high_share, result.score) == (None, None, 5.0)


def test_score_employees_without_any_rating_uses_three():
    assert [s.score for s in score_employees([row(1, 0, 0.0)])] == [3.0]


@pytest.mark.parametrize(("count", "eligible"), [(0, False), (2, False), (3, True), (50, True)])
def test_score_employees_eligible_from_min_count(count, eligible):
    (result,) = score_employees([row(1, count, 4.0 * count)], min_count=3)
    assert result.eligible is eligible


@pytest.mark.parametrize(("count", "eligible"), [(2, False), (3, True)])
def test_score_employees_eligible_from_three_ratings_by_default(count, eligible):
    (result,) = score_employees([row(1, count, 4.0 * count)])
    assert result.eligible is eligible


@pytest.mark.parametrize("count", [0, 1])
def test_min_count_zero_makes_everyone_eligible(count):
    """min_count=0 is allowed and admits employees without ratings."""
    (result,) = score_employees([row(1, count, 4.0 * count)], min_count=0)
    assert result.eligible is True


def test_score_employees_keeps_input_order():
    rows = [row(3, 1, 1.0), row(1, 5, 25.0), row(2, 0, 0.0)]
    assert [s.employee_id for s in score_employees(rows)] == [3, 1, 2]


def test_score_employees_rejects_negative_min_count():
    with pytest.raises(ValueError, match=exactly("min_count must be >= 0, not -1")):
        score_employees([], min_count=-1)


@pytest.mark.parametrize(
    ("score", "normalised"), [(1, 0.0), (3, 50.0), (5, 100.0), (4.2, 80.0), (0.5, 0.0), (6, 100.0)]
)
def test_normalise_score_maps_one_to_five_onto_zero_to_hundred(score, normalised):
    assert normalise_score(score) == pytest.approx(normalised)


@pytest.mark.parametrize(
    ("score", "shown"),
    [(4.725, "4.73"), (4.7249, "4.72"), (4.7, "4.70"), (3, "3.00"), (5.0, "5.00"), (None, "–")],
)
def test_display_score_rounds_half_up_to_two_decimals(score, shown):
    assert display_score(score) == shown


@st.composite
def star_totals(draw):
    """Count and score sum of up to 10,000 whole-star ratings (exact in a float)."""
    count = draw(st.integers(min_value=0, max_value=10_000))
    return count, draw(st.integers(min_value=count, max_value=5 * count))


stars = st.integers(min_value=1, max_value=5)


@PROPERTY
@given(totals=star_totals(), prior_mean=score_values, prior_weight=prior_weights, rating=stars)
def test_rating_above_score_never_lowers_it(totals, prior_mean, prior_weight, rating):
    count, score_sum = totals
    before = bayesian_score(count, score_sum, prior_mean, prior_weight)
    assume(rating >= before)
    assert bayesian_score(count + 1, score_sum + rating, prior_mean, prior_weight) >= before


@PROPERTY
@given(totals=star_totals(), prior_mean=score_values, prior_weight=prior_weights, rating=stars)
def test_rating_below_score_never_raises_it(totals, prior_mean, prior_weight, rating):
    count, score_sum = totals
    before = bayesian_score(count, score_sum, prior_mean, prior_weight)
    assume(rating <= before)
    assert bayesian_score(count + 1, score_sum + rating, prior_mean, prior_weight) <= before


@PROPERTY
@given(totals=star_totals(), prior_mean=score_values, prior_weight=prior_weights, rating=stars)
def test_new_rating_pulls_score_towards_itself(totals, prior_mean, prior_weight, rating):
    count, score_sum = totals
    before = bayesian_score(count, score_sum, prior_mean, prior_weight)
    after = bayesian_score(count + 1, score_sum + rating, prior_mean, prior_weight)
    assert min(before, rating) <= after <= max(before, rating)


@PROPERTY
@given(
    pattern=st.lists(stars, min_size=1, max_size=10),
    repeats=st.lists(st.integers(min_value=0, max_value=1000), min_size=2, max_size=2).map(sorted),
    prior_mean=score_values,
    prior_weight=prior_weights,
)
def test_more_ratings_at_same_mean_move_score_towards_it(
    pattern, repeats, prior_mean, prior_weight
):
    mean = sum(pattern) / len(pattern)
    fewer, more = (
        bayesian_score(r * len(pattern), r * sum(pattern), prior_mean, prior_weight)
        for r in repeats
    )
    assert abs(more - mean) <= abs(fewer - mean)


@PROPERTY
@given(totals=star_totals(), prior_mean=score_values, prior_weight=prior_weights)
def test_score_lies_between_prior_and_own_mean(totals, prior_mean, prior_weight):
    count, score_sum = totals
    assume(count > 0)
    mean = score_sum / count
    score = bayesian_score(count, score_sum, prior_mean, prior_weight)
    assert min(mean, prior_mean) <= score <= max(mean, prior_mean)


@PROPERTY
@given(prior_mean=st.floats(min_value=1, max_value=4.75))
def test_single_five_star_does_not_beat_hundred_ratings_of_4_8(prior_mean):
    single = bayesian_score(1, 5.0, prior_mean, prior_weight=5.0)
    hundred = bayesian_score(100, 480.0, prior_mean, prior_weight=5.0)
    assert single < hundred


def test_single_five_star_scores_below_hundred_4_8s_in_a_period_around_four():
    rows = [row(1, 1, 5.0), row(2, 100, 480.0), row(3, 300, 1080.0)]  # mean ~3.9
    single, steady, _ = score_employees(rows, prior_weight=5.0)
    assert single.score < steady.score
