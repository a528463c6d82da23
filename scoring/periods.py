"""Award periods: keys such as "2026-11", "2026-Q4", "2026" or "2026-W47".

A period is a range of calendar days in the business's local time zone; its
bounds are returned as aware UTC datetimes, start inclusive and end exclusive.
"""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PERIOD_KINDS = ("month", "quarter", "year", "week")

_KEY_PATTERNS = (
    ("month", re.compile(r"(\d{4})-(\d{2})")),
    ("quarter", re.compile(r"(\d{4})-Q(\d)")),
    ("year", re.compile(r"(\d{4})")),
    ("week", re.compile(r"(\d{4})-W(\d{2})")),
)


def period_key(moment: datetime, tz: str, kind: str = "month") -> str:
    """Key of the period that contains `moment`, seen from time zone `tz`.

    `moment` must be aware (naive datetimes raise ValueError: they are
    ambiguous). It is converted to `tz` first, so 2026-11-30 20:00 UTC is in
    "2026-12" for Asia/Shanghai. Weeks are ISO weeks ("2026-W53" may fall in
    early January; "2025-W01" may start in late December).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moment must be an aware datetime, not naive")
    _check_kind(kind)
    return _key_for_day(moment.astimezone(_zone(tz)).date(), kind)


def period_bounds(key: str, tz: str) -> tuple[datetime, datetime]:
    """Aware UTC [start, end) of the period `key` in time zone `tz`.

    Start and end are local midnights of the first day of this period and of
    the next one. Where a DST change skips local midnight, the period starts
    at the moment the clocks jump; where midnight happens twice, at the first.
    """
    kind, first_day = _parse(key)
    zone = _zone(tz)
    return _utc_midnight(first_day, zone), _utc_midnight(_next_first_day(kind, first_day), zone)


def previous_period_key(key: str) -> str:
    """Key of the period of the same kind just before `key`."""
    kind, first_day = _parse(key)
    return _key_for_day(first_day - timedelta(days=1), kind)


def _check_kind(kind: str) -> None:
    if kind not in PERIOD_KINDS:
        raise ValueError(f"unknown period kind {kind!r}; expected one of {PERIOD_KINDS}")


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc


def _key_for_day(day: date, kind: str) -> str:
    if kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if kind == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    if kind == "year":
        return f"{day.year:04d}"
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def _parse(key: str) -> tuple[str, date]:
    """Kind and first local day of the period `key`; ValueError when malformed."""
    for kind, pattern in _KEY_PATTERNS:
        match = pattern.fullmatch(key)
        if match:
            return kind, _first_day(kind, *(int(part) for part in match.groups()))
    raise ValueError(f"malformed period key {key!r}; expected YYYY-MM, YYYY-Qn, YYYY or YYYY-Www")


def _first_day(kind: str, year: int, number: int = 1) -> date:
    try:
        if kind == "week":
            return date.fromisocalendar(year, number, 1)
        if kind == "quarter":
            if not 1 <= number <= 4:
                raise ValueError("quarter must be 1..4")
            return date(year, 3 * number - 2, 1)
        return date(year, number, 1)
    except ValueError as exc:
        raise ValueError(f"invalid {kind} period: {exc}") from exc


def _next_first_day(kind: str, first_day: date) -> date:
    if kind == "week":
        return first_day + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    index = first_day.year * 12 + first_day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _utc_midnight(day: date, zone: ZoneInfo) -> datetime:
    # fold=0 resolves a skipped midnight with the pre-transition offset (the
    # instant the clocks jump) and a repeated midnight to its first occurrence.
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
