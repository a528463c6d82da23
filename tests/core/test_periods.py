"""Award periods as time: every count over a period or a campaign's days agrees at midnight.

The site is in Asia/Shanghai (UTC+8), so a local midnight is 16:00 UTC the day before:
a count over UTC days would take the wrong ratings on both edges of every window.
"""

from datetime import UTC, date, datetime

import pytest

from core.extensions import db
from core.models import CampaignStage, Rating
from core.services.awards.candidates import candidates
from core.services.campaign.setup import CampaignData, create_campaign
from core.services.campaign.sources import customer_totals
from core.services.periods import (
    current_period_key,
    days_window,
    period_days,
    period_window,
)
from core.services.ratings.dashboard import ratings_per_day
from tests.factories import make_award_period, make_branch, make_employee, make_rating

SHANGHAI = {"TIME_ZONE": "Asia/Shanghai"}
# Local 2026-11-10 00:30 and 2026-11-11 00:30, and local 2026-11-09 23:30, in UTC.
FIRST_DAY_AFTER_MIDNIGHT = datetime(2026, 11, 9, 16, 30, tzinfo=UTC)
DAY_AFTER_LAST_AFTER_MIDNIGHT = datetime(2026, 11, 10, 16, 30, tzinfo=UTC)
DAY_BEFORE_FIRST_LATE = datetime(2026, 11, 9, 15, 30, tzinfo=UTC)


@pytest.fixture
def app(make_app):
    app = make_app(**SHANGHAI)
    with app.app_context(), app.test_request_context():
        yield app


def _verified(employee, moment: datetime, overall: int = 5) -> Rating:
    return make_rating(
        employee,
        overall,
        score=float(overall),
        created_at=moment,
        verified_at=moment,
        period_key=current_period_key(moment),
    )


def _one_day_campaign(branch, day: date):
    db.session.commit()
    data = CampaignData(name="One day", branch_ids=[branch.id], starts_on=day, ends_on=day)
    return create_campaign(data, actor=None)


def test_days_window_runs_from_local_midnight_to_local_midnight(app):
    start, end = days_window(date(2026, 11, 10), date(2026, 11, 10))

    assert start == datetime(2026, 11, 9, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 10, 16, 0, tzinfo=UTC)


def test_campaign_counts_the_ratings_of_its_local_days(app):
    """A campaign of one day takes the ratings of that local day, and no others."""
    branch = make_branch()
    employee = make_employee(branch=branch)
    _verified(employee, FIRST_DAY_AFTER_MIDNIGHT, 5)
    _verified(employee, DAY_AFTER_LAST_AFTER_MIDNIGHT, 1)
    _verified(employee, DAY_BEFORE_FIRST_LATE, 1)
    campaign = _one_day_campaign(branch, date(2026, 11, 10))
    assert campaign.stage is CampaignStage.REGISTRATION

    assert customer_totals(campaign) == {employee.id: (1, 5.0)}


def test_award_candidates_count_ratings_when_they_were_verified(app):
    """Given before a local midnight and verified after it: counted on the later day."""
    employee = make_employee()
    make_rating(
        employee,
        5,
        score=5.0,
        created_at=DAY_BEFORE_FIRST_LATE,
        verified_at=FIRST_DAY_AFTER_MIDNIGHT,
        period_key=current_period_key(FIRST_DAY_AFTER_MIDNIGHT),
    )
    _verified(employee, DAY_AFTER_LAST_AFTER_MIDNIGHT, 1)
    period = make_award_period(starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 10))
    db.session.commit()

    (listed,) = candidates(period.categories[0])

    assert (listed.employee_id, listed.count, listed.mean) == (employee.id, 1, 5.0)


def test_a_rating_just_after_local_midnight_belongs_to_the_new_period_everywhere(app):
    """The period key, the period's window, its days and the dashboard agree."""
    moment = datetime(2026, 11, 30, 16, 5, tzinfo=UTC)  # local 2026-12-01 00:05
    employee = make_employee()
    _verified(employee, moment)
    db.session.commit()

    key = current_period_key(moment)
    start, end = period_window(key)

    assert key == "2026-12"
    assert start <= moment < end
    assert period_days(key)[0] == date(2026, 12, 1)
    assert dict(ratings_per_day(key, None))[date(2026, 12, 1)] == 1
    assert sum(n for _day, n in ratings_per_day("2026-11", None)) == 0
