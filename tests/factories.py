"""Plain functions that add a row, flush and return it."""

from datetime import UTC, datetime
from itertools import count

from core.extensions import db
from core.models import Branch, Employee, Role
from core.services.people.users import create_user
from core.services.tokens import card_token

_sequence = count(1)


def make_branch(**kw) -> Branch:
    branch = Branch(name=kw.pop("name", f"Branch {next(_sequence)}"), **kw)
    db.session.add(branch)
    db.session.flush()
    return branch


def make_employee(**kw) -> Employee:
    branch = kw.pop("branch", None) or make_branch()
    employee = Employee(
        branch=branch,
        display_name=kw.pop("display_name", f"Employee {next(_sequence)}"),
        title=kw.pop("title", "Advisor"),
        card_token=kw.pop("card_token", card_token()),
        **kw,
    )
    db.session.add(employee)
    db.session.flush()
    return employee


def make_user(role: Role = Role.ADMIN, password: str = "correct horse battery", **kw):
    email = kw.pop("email", f"user{next(_sequence)}@example.com")
    return create_user(email, password, role, **kw)


def make_rating(employee=None, overall: int = 5, stars: dict | None = None, **kw):
    """A rating (verified unless status= says otherwise) with optional dimension stars."""
    from core.models import Rating, RatingStar, RatingStatus

    employee = employee or make_employee()
    status = kw.pop("status", RatingStatus.VERIFIED)
    if status is RatingStatus.VERIFIED:
        # A verified rating is counted when it was verified: by default, when it was given.
        kw.setdefault("verified_at", kw.get("created_at") or datetime.now(UTC))
    rating = Rating(
        employee=employee,
        branch_id=kw.pop("branch_id", employee.branch_id),
        period_key=kw.pop("period_key", "2026-11"),
        status=status,
        submission_key=kw.pop("submission_key", f"submission-{next(_sequence)}"),
        overall=overall,
        **kw,
    )
    rating.stars = [RatingStar(dimension=d, stars=s) for d, s in (stars or {}).items()]
    db.session.add(rating)
    db.session.flush()
    return rating


def make_counted_rating(employee=None, overall: int = 5, stars: dict | None = None, **kw):
    """A verified rating counted like a verification does (score, aggregates, points)."""
    from core.services.points.ledger import count_verified_rating

    rating = make_rating(employee, overall, stars, **kw)
    count_verified_rating(rating)
    return rating


def make_reward(**kw):
    """A catalogue reward (active, unlimited stock unless told)."""
    from core.models import Reward, RewardKind

    reward = Reward(
        name=kw.pop("name", f"Reward {next(_sequence)}"),
        kind=kw.pop("kind", RewardKind.GIFT_CARD),
        cost=kw.pop("cost", 10),
        **kw,
    )
    db.session.add(reward)
    db.session.flush()
    return reward


def give_points(employee, amount: int):
    """Credit points through the ledger (an adjustment), as an admin would."""
    from core.services.points.ledger import adjust_points

    return adjust_points(employee, amount, None, "test credit")


def make_redemption(employee=None, reward=None, **kw):
    """A requested redemption (no balance check: the row only)."""
    from core.models import Redemption

    employee = employee or make_employee()
    reward = reward or make_reward()
    redemption = Redemption(
        employee_id=employee.id, reward_id=reward.id, cost=kw.pop("cost", reward.cost), **kw
    )
    db.session.add(redemption)
    db.session.flush()
    return redemption


def make_award_period(**kw):
    """A draft award period over November 2026 with the default categories."""
    from datetime import date

    from core.models import AwardCategory, AwardPeriod
    from core.services.awards.winners import default_categories

    period = AwardPeriod(
        name=kw.pop("name", f"Period {next(_sequence)}"),
        starts_on=kw.pop("starts_on", date(2026, 11, 1)),
        ends_on=kw.pop("ends_on", date(2026, 11, 30)),
        **kw,
    )
    period.categories = [AwardCategory(name=n, kind=k) for n, k in default_categories()]
    db.session.add(period)
    db.session.flush()
    return period


def make_published_award(employee=None, citation: str = "Always kind.", **kw):
    """A published award period whose Service Star is `employee`; returns its winner (commits)."""
    from core.services.awards.publishing import publish_period
    from core.services.awards.winners import add_winner

    employee = employee or make_employee()
    period = make_award_period(**kw)
    db.session.commit()
    # The employee need not have ratings: the factory picks them by override.
    winner = add_winner(period.categories[0], employee, citation, None, "Picked by the factory")
    publish_period(period.id, None)
    return winner


def add_staff_contact(employee, kind: str, raw_value: str) -> str:
    """Record one of the employee's own contacts (as the admin form does); its hash."""
    from core.services.ratings.identity import employee_identity

    identity = employee_identity(kind, raw_value)
    employee.identities.append(identity)
    db.session.flush()
    return identity.identity_hash
