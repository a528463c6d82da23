import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.points import (
    PointsRuleError,
    PointsRules,
    balance,
    can_spend,
    points_for_rating,
    reversal_amount,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)
entries = st.lists(st.integers(min_value=-1000, max_value=1000), max_size=50)


@st.composite
def valid_rules(draw):
    """Rules whose values and steps never decrease."""
    steps = sorted(draw(st.lists(st.integers(0, 20), min_size=4, max_size=4)))
    values = [draw(st.integers(0, 20))]
    for step in steps:
        values.append(values[-1] + step)
    return PointsRules(tuple(values), draw(st.integers(0, 50)))


def test_default_rules_grow_with_the_score():
    assert PointsRules() == PointsRules(per_star=(0, 0, 1, 3, 5), surprise_bonus=5)


@pytest.mark.parametrize(("overall", "points"), [(1, 0), (2, 0), (3, 1), (4, 3), (5, 5)])
def test_points_for_rating_follow_default_table(overall, points):
    assert points_for_rating(overall, PointsRules()) == points


def test_points_for_rating_use_given_rules():
    assert points_for_rating(5, PointsRules(per_star=(1, 2, 4, 7, 10))) == 10


@pytest.mark.parametrize("overall", [0, 6, 4.0, "5", None, True])
def test_points_for_rating_reject_bad_stars(overall):
    with pytest.raises(ValueError, match="stars"):
        points_for_rating(overall, PointsRules())


@pytest.mark.parametrize(
    "per_star", [(0, 0, 0, 0, 0), (1, 2, 3, 4, 5), (0, 1, 3, 6, 10), (2, 2, 2, 2, 3)]
)
def test_rules_accept_non_decreasing_points_and_steps(per_star):
    assert PointsRules(per_star=per_star).per_star == per_star


@pytest.mark.parametrize(
    ("per_star", "surprise_bonus", "problem"),
    [
        ((0, 0, 1, 3), 5, "shape"),
        ((0, 0, 1, 3, 5, 8), 5, "shape"),
        ((0, -1, 1, 3, 5), 5, "whole"),
        ((0, 0, 1.5, 3, 5), 5, "whole"),
        ((0, 0, True, 3, 5), 5, "whole"),
        ((0, 0, 1, 3, 5), -1, "whole"),
        ((0, 0, 1, 3, 5), 2.5, "whole"),
        ((5, 3, 1, 0, 0), 5, "decreasing"),
        ((0, 0, 3, 2, 5), 5, "decreasing"),
        ((0, 2, 3, 4, 5), 5, "steps"),
        ((0, 0, 1, 3, 4), 5, "steps"),
        ("01235", 5, "shape"),
        (5, 5, "shape"),
    ],
)
def test_rules_reject_points_that_do_not_grow_with_the_score(per_star, surprise_bonus, problem):
    with pytest.raises(PointsRuleError) as refused:
        PointsRules(per_star=per_star, surprise_bonus=surprise_bonus)

    assert refused.value.problem == problem


def test_rules_store_a_list_as_a_tuple():
    rules = PointsRules(per_star=[0, 0, 1, 3, 5])
    assert rules.per_star == (0, 0, 1, 3, 5)
    assert hash(rules) == hash(PointsRules())


def test_rules_round_trip_through_json():
    rules = PointsRules(per_star=(0, 1, 3, 6, 10), surprise_bonus=8)
    assert PointsRules.from_dict(json.loads(json.dumps(rules.to_dict()))) == rules


def test_rules_to_dict_is_plain_json_data():
    data = PointsRules().to_dict()

    assert (data["per_star"], data["surprise_bonus"]) == ([0, 0, 1, 3, 5], 5)
    assert data["tiers"][1] == {"min_score": 3.5, "multiplier": 1.1, "bonus": 5}
    assert PointsRules.from_dict(json.loads(json.dumps(data))) == PointsRules()


def test_rules_from_dict_defaults_absent_keys():
    assert PointsRules.from_dict({"surprise_bonus": 2}) == PointsRules(surprise_bonus=2)


def test_rules_from_dict_rejects_unknown_keys():
    with pytest.raises(ValueError, match="unknown"):
        PointsRules.from_dict({"per_star": [0, 0, 1, 3, 5], "bonus": 5})


def test_balance_of_empty_ledger_is_zero():
    assert balance([]) == 0


def test_balance_is_sum_of_entries():
    assert balance([5, 3, -4, 1]) == 5


@pytest.mark.parametrize(
    ("current", "cost", "allowed"), [(10, 10, True), (10, 3, True), (10, 11, False), (0, 1, False)]
)
def test_can_spend_only_down_to_zero(current, cost, allowed):
    assert can_spend(current, cost) is allowed


@pytest.mark.parametrize("cost", [0, -5])
def test_can_spend_rejects_non_positive_cost(cost):
    with pytest.raises(ValueError, match="cost"):
        can_spend(10, cost)


@pytest.mark.parametrize(("original", "reversal"), [(5, -5), (-30, 30), (0, 0)])
def test_reversal_amount_is_the_negation(original, reversal):
    assert reversal_amount(original) == reversal


@PROPERTY
@given(amount=st.integers(min_value=-1000, max_value=1000))
def test_balance_of_one_entry_is_that_entry(amount):
    assert balance([amount]) == amount


@PROPERTY
@given(first=entries, second=entries)
def test_balance_of_joined_ledgers_adds_up(first, second):
    assert balance(first + second) == balance(first) + balance(second)


@PROPERTY
@given(amounts=entries, original=st.integers(min_value=-1000, max_value=1000))
def test_reversal_restores_the_balance(amounts, original):
    ledger = [*amounts, original, reversal_amount(original)]
    assert balance(ledger) == balance(amounts)


@PROPERTY
@given(amounts=entries, cost=st.integers(min_value=1, max_value=2000))
def test_allowed_spend_never_drives_balance_below_zero(amounts, cost):
    if can_spend(balance(amounts), cost):
        assert balance([*amounts, -cost]) >= 0
    else:
        assert balance([*amounts, -cost]) < 0


@PROPERTY
@given(rules=valid_rules())
def test_more_stars_never_earn_fewer_points(rules):
    points = [points_for_rating(stars, rules) for stars in range(1, 6)]
    assert points == sorted(points)


@PROPERTY
@given(rules=valid_rules())
def test_rules_survive_storage(rules):
    assert PointsRules.from_dict(json.loads(json.dumps(rules.to_dict()))) == rules
