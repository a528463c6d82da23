"""A campaign review's figures: distributions and the weakest criteria."""

import pytest

from scoring.review import band_of, distribution, median, weakest_criteria


@pytest.mark.parametrize(
    ("score", "band"),
    [(0, 0), (19.99, 0), (20, 1), (59.9, 2), (80, 4), (100, 4), (-3, 0), (130, 4)],
)
def test_bands_of_twenty_points_with_100_in_the_last(score, band):
    assert band_of(score) == band


def test_median_of_odd_and_even_counts():
    assert median([3, 1, 2]) == 2
    assert median([4, 1, 3, 2]) == 2.5


def test_distribution_counts_each_band_and_the_extremes():
    spread = distribution([10, 30, 35, 90, 100])
    assert spread.count == 5
    assert (spread.lowest, spread.median, spread.highest) == (10, 35, 100)
    assert spread.bands == (1, 2, 0, 0, 2)


def test_empty_distribution_has_no_extremes():
    spread = distribution([])
    assert (spread.count, spread.lowest, spread.median, spread.highest) == (0, None, None, None)
    assert spread.bands == (0, 0, 0, 0, 0)


def test_weakest_criteria_lowest_first_ties_by_name():
    scores = {"teamwork": 40.0, "attitude": 75.0, "efficiency": 40.0, "skill": 90.0}
    assert weakest_criteria(scores, 3) == [
        ("efficiency", 40.0),
        ("teamwork", 40.0),
        ("attitude", 75.0),
    ]
    assert weakest_criteria({}, 3) == []


def test_scales_map_onto_0_to_100():
    from scoring.review import scale_to_100

    assert scale_to_100(3, 1, 5) == 50
    assert scale_to_100(10, 1, 10) == 100
    assert scale_to_100(1, 1, 10) == 0
    assert scale_to_100(0, 1, 5) == 0
