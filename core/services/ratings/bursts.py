"""Spotting suspicious bursts of ratings, for the moderation inbox.

A rating is flagged when it belongs to either burst:
- the same employee rated SAME_CLIENT_COUNT or more times from one client address
  (its keyed hash) within SAME_CLIENT_WINDOW;
- the same employee rated EMPLOYEE_COUNT or more times, from anywhere, within
  EMPLOYEE_WINDOW.
Every rating inside such a window is flagged, not only the one that crossed the line.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import Rating, RatingStatus

SAME_CLIENT_COUNT = 5
SAME_CLIENT_WINDOW = timedelta(days=1)
EMPLOYEE_COUNT = 10
EMPLOYEE_WINDOW = timedelta(minutes=10)


def burst_members(
    events: Iterable[tuple[int, object, datetime]], threshold: int, window: timedelta
) -> set[int]:
    """Ids of events whose group has `threshold` or more events within `window` of each other.

    events: (id, group key, moment). A sliding window over each group's events in
    time order; every event inside a window that reaches the threshold is returned.
    """
    groups: dict[object, list[tuple[datetime, int]]] = defaultdict(list)
    for event_id, key, moment in events:
        groups[key].append((moment, event_id))
    flagged: set[int] = set()
    for items in groups.values():
        items.sort()
        start = 0
        for end in range(len(items)):
            while items[end][0] - items[start][0] > window:
                start += 1
            if end - start + 1 >= threshold:
                flagged.update(event_id for _moment, event_id in items[start : end + 1])
    return flagged


def suspicious_rating_ids(conditions) -> set[int]:
    """Ids of the verified or hidden ratings matching `conditions` that are in a burst."""
    query = select(Rating.id, Rating.employee_id, Rating.client_hash, Rating.created_at).where(
        Rating.status.in_([RatingStatus.VERIFIED, RatingStatus.HIDDEN]), *conditions
    )
    rows = db.session.execute(query).all()
    same_client = [
        (row.id, (row.employee_id, row.client_hash), row.created_at)
        for row in rows
        if row.client_hash
    ]
    per_employee = [(row.id, row.employee_id, row.created_at) for row in rows]
    return burst_members(same_client, SAME_CLIENT_COUNT, SAME_CLIENT_WINDOW) | burst_members(
        per_employee, EMPLOYEE_COUNT, EMPLOYEE_WINDOW
    )
