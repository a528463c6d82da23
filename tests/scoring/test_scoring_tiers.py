"""Score tiers: a higher tier never brings less, and the extra is exact."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring.points import PointsRules
from scoring.tiers import (
    DEFAULT_TIERS,
    ScoreTier,
    TierError,
    checked_tiers,
    score_to_next_tier,
    tier_extra,
    tier_index,
)


def test_default_tiers_follow_their_own_rules():
    assert checked_tiers(DEFAULT_TIERS) == DEFAULT_TIERS


@pytest.mark.parametrize(
    ("score", "expected"),
    [(None, 0), (1.0, 0), (3.49, 0), (3.5, 1), (4.19, 1), (4.2, 2), (4.6, 3), (5.0, 3)],
)
def test_a_score_falls_in_the_highest_tier_it_reaches(score, expected):
    assert tier_index(score, DEFAULT_TIERS) == expected


@pytest.mark.parametrize(
    ("earned", "tier", "extra"),
    [
        (100, ScoreTier(1.0, 1.0, 0), 0),
        (100, ScoreTier(3.5, 1.1, 5), 15),  # exactly 10, not 10.000000000000009 floored
        (7, ScoreTier(4.2, 1.25, 15), 16),  # 1.75 floored
        (0, ScoreTier(4.6, 1.5, 30), 30),
        (-4, ScoreTier(4.6, 1.5, 30), 30),  # a period that lost points gains no share
    ],
)
def test_the_extra_is_the_multiplied_share_floored_plus_the_bonus(earned, tier, extra):
    assert tier_extra(earned, tier) == extra


@pytest.mark.parametrize(
    ("tiers", "problem", "position"),
    [
        ([ScoreTier(2.0, 1.0, 0)], "first", 1),
        ([ScoreTier(1.0, 1.0, 0), ScoreTier(1.0, 1.1, 5)], "order", 2),
        ([ScoreTier(1.0, 1.0, 0), ScoreTier(5.5, 1.1, 5)], "order", 2),
        ([ScoreTier(1.0, 1.2, 0), ScoreTier(4.0, 1.1, 5)], "multiplier", 2),
        ([ScoreTier(1.0, 0.9, 0)], "multiplier", 1),
        ([ScoreTier(1.0, 1.0, 10), ScoreTier(4.0, 1.1, 5)], "bonus", 2),
        ([ScoreTier(1.0, 1.0, 0), ScoreTier(4.0, 1.1, 2.5)], "bonus", 2),
    ],
)
def test_broken_tiers_are_refused_naming_the_rule_and_the_tier(tiers, problem, position):
    with pytest.raises(TierError) as refused:
        checked_tiers(tiers)

    assert (refused.value.problem, refused.value.tier) == (problem, position)


def test_points_rules_refuse_broken_tiers():
    with pytest.raises(ValueError, match="tier 2"):
        PointsRules(tiers=({"min_score": 1.0, "multiplier": 1.5, "bonus": 0},
                           {"min_score": 4.0, "multiplier": 1.2, "bonus": 0}))  # fmt: skip


def test_the_gap_to_the_next_tier():
    assert score_to_next_tier(4.0, DEFAULT_TIERS) == pytest.approx(0.2)
    assert score_to_next_tier(4.7, DEFAULT_TIERS) is None


scores = st.floats(min_value=1.0, max_value=5.0)
earned_points = st.integers(min_value=0, max_value=10_000)


@given(scores, scores, earned_points)
def test_a_higher_score_never_brings_fewer_extra_points(low, high, earned):
    low, high = sorted((low, high))
    extra_low = tier_extra(earned, DEFAULT_TIERS[tier_index(low, DEFAULT_TIERS)])
    extra_high = tier_extra(earned, DEFAULT_TIERS[tier_index(high, DEFAULT_TIERS)])

    assert extra_high >= extra_low
