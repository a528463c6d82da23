"""Demo ratings: verified customer ratings for this period and the last, counted like real ones.

They go through core.services.points.ledger.count_verified_rating, so the demo shows real
scores, points, rankings and rank changes. Skipped when any rating exists already.
"""

import random
from datetime import timedelta

from sqlalchemy import select

from core.database import begin_write
from core.extensions import db
from core.models import (
    Employee,
    Rating,
    RatingClaim,
    RatingStar,
    RatingStatus,
    SurpriseStatus,
    utcnow,
)
from core.services.periods import current_period_key, period_window
from core.services.points.ledger import count_verified_rating
from core.services.points.tiers import close_period
from core.services.ratings.identity import identity_hash
from core.services.settings import current_settings
from scoring.periods import previous_period_key

# A fixed seed: every demo database tells the same story.
DEMO_SEED = 20261122
DEMO_CUSTOMERS = 12
DEMO_COMMENTS = (
    "Very patient, explained everything twice.",
    "Quick and friendly.",
    "耐心细致，服务很好！",
    "Had to wait a long time.",
    "",
)


def _stars(chance: random.Random, skill: float) -> int:
    """Stars around the employee's skill (1..5)."""
    return max(1, min(5, round(chance.gauss(skill, 0.8))))


def _rate(employee: Employee, customer: int, period: str, chance: random.Random, skill: float):
    start, end = period_window(period)
    # Inside the period and never in the future.
    moment = start + (min(end, utcnow()) - start) * chance.uniform(0.05, 0.95)
    customer_hash = identity_hash("email", f"demo-customer-{customer}@example.com")
    rating = Rating(
        employee_id=employee.id,
        branch_id=employee.branch_id,
        period_key=period,
        status=RatingStatus.VERIFIED,
        submission_key=f"demo-{period}-{employee.id}-{customer}",
        overall=_stars(chance, skill),
        comment=chance.choice(DEMO_COMMENTS),
        customer_hash=customer_hash,
        created_at=moment,
        verified_at=moment + timedelta(minutes=2),
    )
    if rating.overall == 5 and chance.random() < 0.3:
        rating.surprise_status = SurpriseStatus.CLAIMED
        rating.surprise_text = "Walked me to the right counter and filled in the form with me."
    rating.stars = [
        RatingStar(dimension=dimension.key, stars=_stars(chance, skill))
        for dimension in current_settings().dimensions
    ]
    db.session.add(rating)
    db.session.flush()
    db.session.add(
        RatingClaim(
            customer_hash=customer_hash,
            employee_id=employee.id,
            period_key=period,
            rating_id=rating.id,
        )
    )
    count_verified_rating(rating)


def seed_demo_ratings(notes: list[str]) -> None:
    """Add verified ratings of every active employee for this period and the last; commits."""
    begin_write()
    if db.session.scalar(select(Rating.id).limit(1)) is not None:
        db.session.rollback()
        return
    chance = random.Random(DEMO_SEED)
    current = current_period_key()
    employees = db.session.scalars(
        select(Employee).where(Employee.active.is_(True)).order_by(Employee.id)
    ).all()
    count = 0
    for period in (previous_period_key(current), current):
        for employee in employees:
            skill = chance.uniform(3.2, 4.9)
            customers = chance.sample(range(DEMO_CUSTOMERS * 4), chance.randint(2, DEMO_CUSTOMERS))
            for customer in customers:
                _rate(employee, customer, period, chance, skill)
                count += 1
    db.session.commit()
    notes.append(f"{count} verified demo ratings with their points, for {current} and before.")


def seed_demo_tiers(notes: list[str]) -> None:
    """Close the last period, so the demo shows score tiers and their extra points; commits.

    Closing is idempotent: a second seed adds nothing.
    """
    key = previous_period_key(current_period_key())
    results = close_period(key, None)
    if results:
        extra = sum(result.extra for result in results)
        notes.append(f"Score tiers of {key} fixed: {extra} extra points for {len(results)} people.")
