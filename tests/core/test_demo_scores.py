"""Demo ratings: counted like real ones, and added only once."""

from sqlalchemy import func, select

from core.demo.seed import seed_demo
from core.extensions import db
from core.models import PointsEntry, Rating
from core.services.periods import current_period_key
from core.services.ratings.aggregates_check import find_drift
from core.services.ratings.leaderboard import leaderboard


def rating_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Rating))


def test_demo_ratings_are_counted_with_points_and_rankings(app):
    seed_demo()
    assert rating_count() > 0
    assert db.session.scalar(select(func.count()).select_from(PointsEntry)) >= rating_count()
    assert find_drift() == []
    assert leaderboard(current_period_key())


def test_demo_ratings_are_added_only_once(app):
    seed_demo()
    first = rating_count()
    seed_demo()
    assert rating_count() == first
