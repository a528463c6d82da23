"""The rules of a settings version, and where a change of period kind may start."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from scoring.site_settings import (
    Dimension,
    SettingsError,
    SiteSettings,
    check_settings,
    is_common_period_start,
    next_common_period_start,
    settings_in_force,
)

TZ = "Asia/Shanghai"
GOOD = SiteSettings(dimensions=(Dimension("attitude", "Service attitude", "服务态度", 1.0),))


def _problem(settings: SiteSettings) -> str:
    with pytest.raises(SettingsError) as refused:
        check_settings(settings)
    return refused.value.problem


def test_good_settings_pass_and_round_trip():
    assert check_settings(GOOD) == GOOD
    assert SiteSettings.from_dict(GOOD.to_dict()) == GOOD


@pytest.mark.parametrize("weight", [0.0, -1.0, 10.5, float("nan"), float("inf")])
def test_weights_are_positive_and_sensible(weight):
    dimension = replace(GOOD.dimensions[0], weight=weight)
    assert _problem(replace(GOOD, dimensions=(dimension,))) == "weight"
    assert _problem(replace(GOOD, overall_weight=weight)) == "weight"


def test_at_least_one_known_verification_method():
    assert _problem(replace(GOOD, verify_methods=())) == "no_method"
    assert _problem(replace(GOOD, verify_methods=("fax",))) == "method"


@pytest.mark.parametrize(
    ("dimensions", "problem"),
    [
        ((), "dimension_count"),
        ((Dimension("Bad Key", "Label"),), "key"),
        ((Dimension("overall", "Label"),), "key"),
        ((Dimension("a", "A"), Dimension("a", "B")), "duplicate_key"),
        ((Dimension("a", "  "),), "label"),
        (tuple(Dimension(f"d{n}", "D") for n in range(7)), "dimension_count"),
    ],
)
def test_dimension_rules(dimensions, problem):
    assert _problem(replace(GOOD, dimensions=dimensions)) == problem


@pytest.mark.parametrize(
    ("hours", "days", "problem"),
    [(0, 15, "contact_hours"), (169, 15, "contact_hours"), (24, 0, "resolve_days"),
     (48, 1, "resolve_days"), (24, 91, "resolve_days")],
)  # fmt: skip
def test_follow_up_deadlines(hours, days, problem):
    changed = replace(GOOD, followup_contact_hours=hours, followup_resolve_days=days)
    assert _problem(changed) == problem


def test_the_latest_started_version_is_in_force():
    early = replace(GOOD, version=1, effective_from=datetime(2026, 1, 1, tzinfo=UTC))
    late = replace(GOOD, version=2, effective_from=datetime(2026, 6, 1, tzinfo=UTC))
    assert settings_in_force([early, late], datetime(2025, 1, 1, tzinfo=UTC)) is None
    assert settings_in_force([early, late], datetime(2026, 3, 1, tzinfo=UTC)) is early
    assert settings_in_force([late, early], datetime(2026, 6, 1, tzinfo=UTC)) is late


def test_a_change_of_period_kind_starts_where_both_kinds_start():
    april = datetime(2026, 3, 31, 16, tzinfo=UTC)  # 1 April 00:00 in Shanghai
    may = datetime(2026, 4, 30, 16, tzinfo=UTC)
    assert is_common_period_start(april, TZ, {"month", "quarter"})
    assert not is_common_period_start(may, TZ, {"month", "quarter"})
    assert not is_common_period_start(april + (may - april) / 2, TZ, {"month"})
    assert next_common_period_start(april, TZ, {"month", "quarter"}) == datetime(
        2026, 6, 30, 16, tzinfo=UTC
    )


def test_weeks_and_months_meet_on_a_monday_the_first():
    found = next_common_period_start(datetime(2026, 1, 1, tzinfo=UTC), TZ, ("week", "month"))
    assert found == datetime(2026, 5, 31, 16, tzinfo=UTC)  # Monday 1 June 2026, Shanghai
