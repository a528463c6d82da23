"""Demo rewards, redemption requests and a published Service Star, for the wall of fame."""

from sqlalchemy import select

from core.demo.place_rewards import seed_demo_place_rewards
from core.extensions import db
from core.models import AwardPeriod, Employee, Reward, RewardKind
from core.services import DomainError
from core.services.awards.candidates import candidates
from core.services.awards.publishing import publish_period
from core.services.awards.winners import add_winner, create_period
from core.services.periods import current_period_key, period_days
from core.services.points.redemptions import request_redemption
from core.services.points.rewards import RewardFields, create_reward
from scoring.periods import previous_period_key

DEMO_REWARDS = [
    ("电影票两张 Two cinema tickets", RewardKind.GIFT_CARD, 20, 30),
    ("现金奖励 Cash bonus ¥200", RewardKind.CASH_BONUS, 60, None),
    ("调休一天 A day off", RewardKind.DAY_OFF, 80, 10),
    ("服务技能培训 Service skills course", RewardKind.TRAINING, 40, None),
    ("年会特邀嘉宾 Annual meeting invitation", RewardKind.EVENT, 100, 5),
    ("免费体检 Free health check", RewardKind.FREE_PRODUCT, 50, 20),
]
CITATIONS = {
    "service_star": "耐心细致，真诚待客。 Patient, thorough and warm with every customer.",
    "surprise": "主动为客户多走一步。 Went the extra mile without being asked.",
}


def _seed_catalogue() -> list[Reward]:
    return [
        create_reward(RewardFields(name, "", kind, cost, stock), None)
        for name, kind, cost, stock in DEMO_REWARDS
    ]


def _seed_requests(rewards: list[Reward]) -> int:
    """One request per employee who can afford the cheapest reward."""
    made = 0
    # Read them all first: each request begins its own write transaction.
    employees = db.session.scalars(select(Employee).where(Employee.active.is_(True))).all()
    for employee in employees:
        try:
            request_redemption(employee, rewards[0], None, "")
        except DomainError:
            continue
        made += 1
    return made


def _seed_award(notes: list[str]) -> AwardPeriod | None:
    """Last period's award, its winners the top candidates, published: the Service Star's
    first place has winners' rewards, granted when it is published."""
    days = period_days(previous_period_key(current_period_key()))
    period = create_period(f"Service Star {days[0]:%Y-%m}", days[0], days[-1], None)
    seed_demo_place_rewards(period.categories[0], notes)
    period = db.session.get(AwardPeriod, period.id)
    for category in period.categories:
        ranked = [c for c in candidates(category) if c.rank is not None]
        if ranked:
            employee = db.session.get(Employee, ranked[0].employee_id)
            add_winner(category, employee, CITATIONS[category.kind.value], None)
    if not any(category.winners for category in period.categories):
        return None
    publish_period(period.id, None)
    return period


def seed_demo_rewards(notes: list[str]) -> None:
    """The reward catalogue, a few requests and a published award (once); commits."""
    if db.session.scalar(select(Reward.id).limit(1)) is not None:
        return
    rewards = _seed_catalogue()
    requests = _seed_requests(rewards)
    period = _seed_award(notes)
    notes.append(f"{len(rewards)} demo rewards and {requests} redemption requests.")
    if period is not None:
        notes.append(f"Published award '{period.name}': see /stars.")
