from datetime import UTC, datetime, timedelta, tzinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.periods import (
    PERIOD_KINDS,
    period_bounds,
    period_key,
    previous_period_key,
)
from tests.scoring.exact import exactly

PROPERTY = settings(max_examples=200, deadline=None, database=None)
ZONES = (
    "UTC",
    "Asia/Shanghai",
    "America/New_York",
    "Australia/Lord_Howe",  # half-hour DST
    "Asia/Kathmandu",  # +05:45
    "America/Asuncion",  # DST change at midnight
    "America/Havana",  # DST change at midnight
    "Pacific/Kiritimati",  # +14
    "Pacific/Pago_Pago",  # -11
)
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
zones = st.sampled_from(ZONES)
kinds = st.sampled_from(PERIOD_KINDS)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "tz", "kind", "key"),
    [
        (utc(2026, 11, 15, 12), "UTC", "month", "2026-11"),
        (utc(2026, 11, 15, 12), "UTC", "quarter", "2026-Q4"),
        (utc(2026, 2, 15, 12), "UTC", "quarter", "2026-Q1"),
        (utc(2026, 11, 15, 12), "UTC", "year", "2026"),
        (utc(2026, 11, 16, 12), "UTC", "week", "2026-W47"),
        (utc(2026, 1, 5), "UTC", "week", "2026-W02"),
        (utc(2027, 1, 1, 12), "UTC", "week", "2026-W53"),
        (utc(2024, 12, 30, 12), "UTC", "week", "2025-W01"),
        (utc(2026, 11, 30, 20), "Asia/Shanghai", "month", "2026-12"),
        (utc(2026, 1, 1, 3), "America/New_York", "year", "2025"),
        (utc(2026, 3, 31, 23), "Asia/Shanghai", "quarter", "2026-Q2"),
    ],
)
def test_period_key_uses_local_calendar(moment, tz, kind, key):
    assert period_key(moment, tz, kind) == key


def test_period_key_defaults_to_month():
    assert period_key(utc(2026, 11, 15), "UTC") == "2026-11"


class NoOffset(tzinfo):
    """A time zone that knows no offset: datetimes carrying it are still naive."""

    def utcoffset(self, dt):
        return None


NAIVE = "moment must be an aware datetime, not naive"


def test_period_key_rejects_naive_datetime():
    with pytest.raises(ValueError, match=exactly(NAIVE)):
        period_key(datetime(2026, 11, 15), "UTC")


def test_period_key_rejects_datetime_whose_tzinfo_gives_no_offset():
    """Python counts a datetime as naive when its tzinfo's utcoffset() is None."""
    with pytest.raises(ValueError, match=exactly(NAIVE)):
        period_key(datetime(2026, 11, 15, tzinfo=NoOffset()), "UTC")


@pytest.mark.parametrize("kind", ["day", "Month", "", "months"])
def test_period_key_rejects_unknown_kind(kind):
    message = f"unknown period kind {kind!r}; expected one of ('month', 'quarter', 'year', 'week')"
    with pytest.raises(ValueError, match=exactly(message)):
        period_key(utc(2026, 11, 15), "UTC", kind)


@pytest.mark.parametrize("tz", ["Mars/Olympus", "", "../etc/passwd"])
def test_period_key_rejects_unknown_time_zone(tz):
    with pytest.raises(ValueError, match=exactly(f"unknown time zone {tz!r}")):
        period_key(utc(2026, 11, 15), tz)


@pytest.mark.parametrize(
    ("key", "tz", "start", "end"),
    [
        ("2026-11", "UTC", utc(2026, 11, 1), utc(2026, 12, 1)),
        ("2026-12", "UTC", utc(2026, 12, 1), utc(2027, 1, 1)),
        ("2026-11", "Asia/Shanghai", utc(2026, 10, 31, 16), utc(2026, 11, 30, 16)),
        ("2026-Q4", "UTC", utc(2026, 10, 1), utc(2027, 1, 1)),
        ("2026", "UTC", utc(2026, 1, 1), utc(2027, 1, 1)),
        ("2026-W47", "UTC", utc(2026, 11, 16), utc(2026, 11, 23)),
        ("2026-W53", "UTC", utc(2026, 12, 28), utc(2027, 1, 4)),
        ("2026-03", "America/New_York", utc(2026, 3, 1, 5), utc(2026, 4, 1, 4)),
    ],
)
def test_period_bounds_are_utc_local_midnights(key, tz, start, end):
    assert period_bounds(key, tz) == (start, end)


def test_period_bounds_are_aware_utc():
    start, end = period_bounds("2026-11", "Asia/Shanghai")
    assert start.tzinfo is UTC
    assert end.tzinfo is UTC


def test_period_starting_in_a_dst_gap_starts_when_clocks_jump():
    # Asuncion skipped 2023-10-01 00:00-01:00 local: the day began at 04:00 UTC.
    start, _ = period_bounds("2023-10", "America/Asuncion")
    assert start == utc(2023, 10, 1, 4)
    assert period_key(start, "America/Asuncion") == "2023-10"
    assert period_key(start - timedelta(microseconds=1), "America/Asuncion") == "2023-09"


def test_period_starting_in_a_repeated_hour_starts_at_first_midnight():
    # Havana lived 2020-11-01 00:00-01:00 twice: the month began at the first.
    start, _ = period_bounds("2020-11", "America/Havana")
    assert start == utc(2020, 11, 1, 4)
    assert period_key(start - timedelta(microseconds=1), "America/Havana") == "2020-10"


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("2026-13", "month"),
        ("2026-00", "month"),
        ("2026-W00", "week"),
        ("2026-W54", "week"),
        ("2025-W53", "week"),
        ("0000", "year"),
    ],
)
def test_period_bounds_rejects_a_period_that_does_not_exist(key, kind):
    # The rest of the message is the standard library's (date, fromisocalendar).
    with pytest.raises(ValueError, match=rf"\Ainvalid {kind} period: "):
        period_bounds(key, "UTC")


@pytest.mark.parametrize("key", ["2026-Q0", "2026-Q5"])
def test_period_bounds_rejects_quarter_outside_one_to_four(key):
    with pytest.raises(ValueError, match=exactly("invalid quarter period: quarter must be 1..4")):
        period_bounds(key, "UTC")


@pytest.mark.parametrize(
    "key", ["26-11", "2026/11", "2026-11-01", "2026-w47", "2026-q4", " 2026", ""]
)
def test_period_bounds_rejects_malformed_key(key):
    message = f"malformed period key {key!r}; expected YYYY-MM, YYYY-Qn, YYYY or YYYY-Www"
    with pytest.raises(ValueError, match=exactly(message)):
        period_bounds(key, "UTC")


@pytest.mark.parametrize(
    ("key", "previous"),
    [
        ("2026-11", "2026-10"),
        ("2026-01", "2025-12"),
        ("2026-Q1", "2025-Q4"),
        ("2026-Q3", "2026-Q2"),
        ("2026", "2025"),
        ("2026-W47", "2026-W46"),
        ("2026-W01", "2025-W52"),
        ("2027-W01", "2026-W53"),
    ],
)
def test_previous_period_key_steps_back_one_period(key, previous):
    assert previous_period_key(key) == previous


def test_previous_period_key_rejects_malformed_key():
    with pytest.raises(ValueError, match=r"\Ainvalid month period: "):
        previous_period_key("2026-13")


@PROPERTY
@given(moment=moments, tz=zones, kind=kinds)
def test_period_of_a_moment_contains_it(moment, tz, kind):
    start, end = period_bounds(period_key(moment, tz, kind), tz)
    assert start <= moment < end


@PROPERTY
@given(moment=moments, tz=zones, kind=kinds)
def test_period_bounds_start_inside_and_end_outside_the_period(moment, tz, kind):
    key = period_key(moment, tz, kind)
    start, end = period_bounds(key, tz)
    assert period_key(start, tz, kind) == key
    assert period_key(end, tz, kind) != key
    assert period_key(end - timedelta(microseconds=1), tz, kind) == key


@PROPERTY
@given(moment=moments, tz=zones, kind=kinds)
def test_previous_period_ends_where_the_period_starts(moment, tz, kind):
    key = period_key(moment, tz, kind)
    start, _ = period_bounds(key, tz)
    assert period_bounds(previous_period_key(key), tz)[1] == start
