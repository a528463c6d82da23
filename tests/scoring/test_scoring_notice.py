from datetime import date

import pytest

from scoring.notice import notice_over_on


def test_no_notice_days_is_over_at_once():
    assert notice_over_on(date(2026, 3, 2), 0) is None


def test_notice_covers_the_announcement_day_and_whole_days_after_it():
    assert notice_over_on(date(2026, 3, 2), 1) == date(2026, 3, 4)
    assert notice_over_on(date(2026, 3, 30), 5) == date(2026, 4, 5)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        notice_over_on(date(2026, 3, 2), -1)
