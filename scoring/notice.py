"""Public notice (公示): when an announced result's notice period is over."""

from datetime import date, timedelta


def notice_over_on(announced_on: date, days: int) -> date | None:
    """The local day at whose first moment the notice period is over; None: over at once.

    The rule: results announced on a local day stay under notice for the rest of that day
    and `days` whole local days after it, so everyone gets the same full days to object
    whatever the hour of the announcement. 0 days: no notice, final at once.
    """
    if days < 0:
        raise ValueError("notice days cannot be negative")
    if days == 0:
        return None
    return announced_on + timedelta(days=days + 1)
