"""Waived sources: the candidate's other weights are scaled up to 100 (exact values)."""

import pytest

from scoring.composite import DEFAULT_STAGE_WEIGHTS, CompositeLine, composite, rescale_weights
from tests.scoring.exact import exactly

SECOND = DEFAULT_STAGE_WEIGHTS["second"]  # customer 40, supervisor 20, colleagues 20, judges 20
FINAL = DEFAULT_STAGE_WEIGHTS["final"]  # 30, 15, 15, self 10, judges 30


def test_one_waived_fifth_scales_the_rest_by_five_quarters():
    assert rescale_weights(SECOND, {"supervisor"}) == {
        "customer": 50.0,
        "colleagues": 25.0,
        "judges": 25.0,
    }


def test_a_waived_tenth_scales_the_rest_by_ten_ninths():
    assert rescale_weights(FINAL, ["self"]) == {
        "customer": 100 / 3,
        "supervisor": 50 / 3,
        "colleagues": 50 / 3,
        "judges": 100 / 3,
    }


def test_two_waivers_scale_by_what_is_left():
    assert rescale_weights(SECOND, {"supervisor", "colleagues"}) == {
        "customer": 200 / 3,
        "judges": 100 / 3,
    }


def test_nothing_waived_leaves_the_weights_as_they_are():
    weights = {"customer": 33.3, "judges": 33.3, "supervisor": 33.4}
    assert rescale_weights(weights, ()) == {"customer": 33.3, "supervisor": 33.4, "judges": 33.3}


def test_a_waived_source_without_a_weight_changes_nothing():
    assert rescale_weights(SECOND, {"self"}) == {
        "customer": 40.0,
        "supervisor": 20.0,
        "colleagues": 20.0,
        "judges": 20.0,
    }


def test_waiving_every_weighted_source_is_refused():
    with pytest.raises(
        ValueError, match=exactly("every weighted source is waived; nothing is left to rank by")
    ):
        rescale_weights({"customer": 100}, {"customer"})


def test_a_single_point_of_weight_left_takes_the_whole_hundred():
    """Any kept weight above zero is enough to rank by, even 1 of 100."""
    assert rescale_weights({"customer": 99, "supervisor": 1}, ["customer"]) == {"supervisor": 100.0}


def test_waiving_all_but_a_zero_weight_is_refused():
    with pytest.raises(ValueError, match="every weighted source is waived"):
        rescale_weights({"customer": 100, "judges": 0}, {"customer"})


def test_an_unknown_waived_source_is_refused():
    with pytest.raises(ValueError, match="unknown sources \\['boss'\\]"):
        rescale_weights(SECOND, {"boss"})


def test_the_weights_are_checked_first():
    with pytest.raises(ValueError, match=exactly("weights must total 100, not 90")):
        rescale_weights({"customer": 90}, {"customer"})


def test_a_waived_composite_scales_the_other_lines():
    result = composite(
        7,
        "Ann",
        {"customer": 80.0, "supervisor": None, "colleagues": 60.0, "judges": 40.0},
        SECOND,
        waived={"supervisor"},
    )
    assert result.total == 65.0  # 80 * 50% + 60 * 25% + 40 * 25% = 40 + 15 + 10
    assert result.lines == (
        CompositeLine("customer", 50.0, 80.0, 40.0, False),
        CompositeLine("supervisor", 0.0, None, 0.0, missing=False, waived=True),
        CompositeLine("colleagues", 25.0, 60.0, 15.0, False),
        CompositeLine("judges", 25.0, 40.0, 10.0, False),
    )


def test_a_waived_source_ignores_a_score_that_came_later():
    result = composite(
        7, "Ann", {"customer": 80.0, "supervisor": 100.0, "colleagues": 60.0, "judges": 40.0},
        SECOND, waived={"supervisor"},
    )  # fmt: skip
    assert result.total == 65.0
    assert result.lines[1].raw is None and result.lines[1].contribution == 0.0


def test_a_missing_source_that_is_not_waived_still_counts_zero_and_is_flagged():
    result = composite(
        7, "Ann", {"customer": 90.0, "colleagues": None, "judges": 60.0},
        FINAL, waived={"supervisor", "self"},
    )  # fmt: skip
    # Weights 30/15/30 of 75 become 40/20/40: 90 * 40% + 0 + 60 * 40% = 36 + 24.
    assert result.total == 60.0
    missing = [line.source for line in result.lines if line.missing]
    waived = [line.source for line in result.lines if line.waived]
    assert missing == ["colleagues"] and waived == ["supervisor", "self"]


def test_without_waivers_the_composite_is_unchanged():
    result = composite(1, "Bo", {"customer": 50.0, "judges": 100.0}, {"customer": 40, "judges": 60})
    assert result.total == 80.0
    assert [line.waived for line in result.lines] == [False, False]
