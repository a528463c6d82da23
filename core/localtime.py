"""The site's time zone: times are stored in UTC, and shown and counted in days in TIME_ZONE."""

from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app

DEFAULT_FORMAT = "%Y-%m-%d %H:%M"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def site_zone() -> ZoneInfo:
    """The configured TIME_ZONE (award periods, deadlines and admin pages use it)."""
    return _zone(current_app.config["TIME_ZONE"])


def local_midnight(day: date) -> datetime:
    """The moment, in UTC, at which the local calendar day `day` begins."""
    return datetime.combine(day, time(), tzinfo=site_zone()).astimezone(UTC)


def local_time(moment: datetime | None, fmt: str = DEFAULT_FORMAT) -> str:
    """Template filter: a stored (aware UTC) time as the site's local time; '' for None."""
    if moment is None:
        return ""
    return moment.astimezone(site_zone()).strftime(fmt)


def local_isoformat(moment: datetime | None) -> str:
    """A stored time as ISO 8601 in the site's zone, with its UTC offset ('' for None).

    For files leaving the site (CSV): the offset makes every value unambiguous on its
    own, even in the repeated hour when daylight saving time ends.
    """
    if moment is None:
        return ""
    return moment.astimezone(site_zone()).isoformat(timespec="seconds")
