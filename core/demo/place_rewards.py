"""Demo winners' rewards: what the demo campaign's place and the demo award's first place
get (points, a catalogue item, an honour and a career promise)."""

from sqlalchemy import select

from core.extensions import db
from core.models import AwardCategory, Campaign, CommitmentKind, PlaceRewardKind, Reward, Role, User
from core.services.points.place_reward_setup import PlaceRewardData, add_place_reward


def _first_admin() -> User | None:
    query = select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id)
    return db.session.scalars(query).first()


def _rewards(item: Reward | None, owner_id: int | None) -> list[PlaceRewardData]:
    rewards = [PlaceRewardData(1, PlaceRewardKind.POINTS, points=200)]
    if item is not None:
        rewards.append(PlaceRewardData(1, PlaceRewardKind.ITEM, reward_id=item.id))
    if owner_id is not None:
        rewards += [
            PlaceRewardData(
                1, PlaceRewardKind.COMMITMENT, commitment_kind=CommitmentKind.SPECIAL_EVENT,
                description="年会特邀嘉宾 Guest of honour at the annual meeting",
                owner_id=owner_id, due_days=30,
            ),
            PlaceRewardData(
                1, PlaceRewardKind.COMMITMENT, commitment_kind=CommitmentKind.TRAINING,
                description="管理培训 Team-lead training course", owner_id=owner_id, due_days=90,
            ),
        ]  # fmt: skip
    return rewards


def seed_demo_place_rewards(owner: Campaign | AwardCategory, notes: list[str]) -> None:
    """Attach the demo rewards to the first place of `owner` (before its results); commits."""
    admin = _first_admin()
    item = db.session.scalars(select(Reward).where(Reward.active.is_(True)).order_by(Reward.id))
    rewards = _rewards(item.first(), admin.id if admin else None)
    for data in rewards:
        add_place_reward(owner, data, None)
    notes.append(f"{len(rewards)} winners' rewards on the first place of '{owner.name}'.")
