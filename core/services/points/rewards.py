"""The reward catalogue: what employees may exchange their points for."""

from dataclasses import asdict, dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import Reward, RewardKind, User
from core.services import DomainError
from core.services.audit import record_change, record_created

NAME_MAX = 120


class InvalidReward(DomainError):
    """The reward's fields break a rule (message says which)."""


@dataclass(frozen=True)
class RewardFields:
    """What an admin types for a reward; stock None means unlimited."""

    name: str
    description: str
    kind: RewardKind
    cost: int
    stock: int | None
    active: bool = True
    min_tier: int | None = None  # reserved for this score tier and up


def _checked(fields: RewardFields) -> RewardFields:
    name = (fields.name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidReward(_l("Give a name of at most %(n)d characters.", n=NAME_MAX))
    if fields.cost is None or fields.cost <= 0:
        raise InvalidReward(_l("The cost must be a whole number of points above zero."))
    if fields.stock is not None and fields.stock < 0:
        raise InvalidReward(_l("The stock cannot be negative."))
    if fields.min_tier is not None and fields.min_tier < 1:
        raise InvalidReward(_l("A reserved tier is 1 or more, or empty for everyone."))
    return RewardFields(
        **{**asdict(fields), "name": name, "description": (fields.description or "").strip()}
    )


def create_reward(fields: RewardFields, actor: User | None) -> Reward:
    """Add a reward to the catalogue, audited; commits."""
    checked = _checked(fields)
    begin_write()
    reward = Reward(**asdict(checked))
    db.session.add(reward)
    db.session.flush()
    record_created("reward.create", reward, user=actor)
    db.session.commit()
    return reward


def update_reward(reward: Reward, fields: RewardFields, actor: User | None) -> Reward:
    """Change a reward (requests already made keep the cost they were made at); commits."""
    checked = _checked(fields)
    reward = write_locked(Reward, reward.id)
    for name, value in asdict(checked).items():
        setattr(reward, name, value)
    record_change("reward.update", reward, user=actor)
    db.session.commit()
    return reward


def within_tier(reward: Reward, tier: int) -> bool:
    """Whether an employee whose latest fixed tier is `tier` may ask for the reward."""
    return reward.min_tier is None or tier >= reward.min_tier


def catalogue(active_only: bool = False) -> list[Reward]:
    """The rewards, cheapest first; only the active ones when asked."""
    query = select(Reward).order_by(Reward.cost, Reward.name, Reward.id)
    if active_only:
        query = query.where(Reward.active.is_(True))
    return list(db.session.scalars(query))
