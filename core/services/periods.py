"""Award periods as time: which period a moment is in, and local days as UTC windows.

Moments are stored in UTC; periods and days are the site's own (TIME_ZONE, period kind).
A rating counts at the moment it was verified: `Rating.verified_at` fixes its period key
(the once-per-period rule) and places it in every window. Every count over a period or a
campaign's days (the once-only rule, award candidates, campaign sources, leaderboards,
the dashboard, exports) goes through this module, so all of them agree at midnight.
"""

from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import and_

from core.localtime import local_midnight, site_zone
from core.models import Rating
from core.services.settings import settings_at
from scoring.periods import period_bounds, period_key

# The one timestamp a rating is counted by.
COUNTED_AT = Rating.verified_at


def current_period_key(moment: datetime | None = None) -> str:
    """Key of the award period containing `moment` (now), in TIME_ZONE and the period kind
    in force at that moment (core.services.settings: a change of kind starts a period)."""
    moment = moment or datetime.now(UTC)
    kind = settings_at(moment).period_kind
    return period_key(moment, current_app.config["TIME_ZONE"], kind)


def period_window(key: str) -> tuple[datetime, datetime]:
    """UTC [start, end) of the award period `key`: its first local midnight to the next."""
    return period_bounds(key, current_app.config["TIME_ZONE"])


def days_window(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC [start, end) of the local days `first` to `last`, both included."""
    return local_midnight(first), local_midnight(last + timedelta(days=1))


def period_days(key: str) -> list[date]:
    """The local calendar days of the award period `key`, first to last."""
    start, end = period_window(key)
    first = local_day(start)
    last = local_day(end - timedelta(seconds=1))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def local_day(moment: datetime) -> date:
    """The site-local calendar day of an aware moment."""
    return moment.astimezone(site_zone()).date()


def counted_between(start: datetime, end: datetime):
    """SQL condition: the rating was counted (verified) in the UTC window [start, end)."""
    return and_(start <= COUNTED_AT, end > COUNTED_AT)


def counted_by(moment: datetime):
    """SQL condition: the rating was counted (verified) at or before `moment`."""
    return COUNTED_AT <= moment  # noqa: SIM300 (a column, not a constant)


def seconds_left_in_period(key: str) -> int:
    """Whole seconds until the period `key` ends (at least 1)."""
    _start, end = period_window(key)
    return max(int((end - datetime.now(UTC)).total_seconds()), 1)
