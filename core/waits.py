"""How long to wait, said the way a customer reads it: "40 seconds", "12 minutes", "2 hours"."""

import math
from datetime import timedelta

from flask_babel import format_timedelta

MINUTE = 60
HOUR = 3600


def wait_text(seconds: float) -> str:
    """The wait in the visitor's language, rounded up (a minute's grace in hours: a limit
    window's clock may say one second past the hour)."""
    seconds = max(math.ceil(seconds), 1)
    if seconds > HOUR + MINUTE:
        seconds = math.ceil((seconds - MINUTE) / HOUR) * HOUR
    elif seconds > MINUTE:
        seconds = min(math.ceil(seconds / MINUTE) * MINUTE, HOUR)
    return format_timedelta(timedelta(seconds=seconds), threshold=1, add_direction=False)
