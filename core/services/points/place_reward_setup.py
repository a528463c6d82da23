"""Setting up winners' rewards: an admin attaches rewards to each place of a campaign or an
award category, while its results are not yet published (after that they are granted, or
due to be, so they no longer change)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import (
    AwardCategory,
    AwardPeriod,
    AwardStatus,
    Campaign,
    CampaignStage,
    CommitmentKind,
    PlaceReward,
    PlaceRewardKind,
    Reward,
    User,
)
from core.services import DomainError
from core.services.audit import record_audit, record_created
from core.services.points.ledger import AMOUNT_MAX

DESCRIPTION_MAX = 500
DUE_DAYS_MAX = 366


class PlaceRewardError(DomainError):
    """The place reward cannot be added or removed; `field` names the form field, if any."""

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class PlaceRewardData:
    """A place reward as typed: the kind decides which of the details count."""

    place: int
    kind: PlaceRewardKind
    points: int | None = None
    reward_id: int | None = None
    commitment_kind: CommitmentKind | None = None
    description: str = ""
    owner_id: int | None = None
    due_days: int | None = None


Owner = Campaign | AwardCategory


def places_of(owner: Owner) -> int:
    """How many places the owner has: the campaign's winners, the category's quota."""
    return owner.winners if isinstance(owner, Campaign) else owner.winner_quota


def is_settled(owner: Owner) -> bool:
    """Are the owner's results published (its rewards granted or about to be)?"""
    if isinstance(owner, Campaign):
        return owner.stage is CampaignStage.PUBLISHED
    return owner.period.status is not AwardStatus.DRAFT


def rewards_of(owner: Owner) -> list[PlaceReward]:
    """The owner's place rewards by place, then as added."""
    column = PlaceReward.campaign_id if isinstance(owner, Campaign) else PlaceReward.category_id
    query = select(PlaceReward).where(column == owner.id)
    return list(db.session.scalars(query.order_by(PlaceReward.place, PlaceReward.id)))


def award_rewards_on_offer(periods: int = 3) -> list[tuple[str, list[PlaceReward]]]:
    """("<period> · <category>", its place rewards) of the newest periods not withdrawn,
    for the staff's rules: what the winners of each award get."""
    recent = db.session.scalars(
        select(AwardPeriod)
        .where(AwardPeriod.status != AwardStatus.WITHDRAWN)
        .order_by(AwardPeriod.ends_on.desc(), AwardPeriod.id.desc())
        .limit(periods)
    )
    offers = []
    for period in recent:
        for category in period.categories:
            rewards = rewards_of(category)
            if rewards:
                offers.append((f"{period.name} · {category.name}", rewards))
    return offers


def _refuse_unless_open(owner: Owner) -> None:
    if is_settled(owner):
        raise PlaceRewardError(_l("The results are published: their rewards no longer change."))


def _checked(owner: Owner, data: PlaceRewardData) -> PlaceReward:
    """The new row, or PlaceRewardError naming the field that is wrong."""
    if not 1 <= (data.place or 0) <= places_of(owner):
        raise PlaceRewardError(
            _l("A place is from 1 to %(n)d, the number of winners.", n=places_of(owner)),
            field="place",
        )
    description = (data.description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise PlaceRewardError(
            _l("Write at most %(n)d characters.", n=DESCRIPTION_MAX), field="description"
        )
    row = PlaceReward(place=data.place, kind=data.kind, description=description)
    if data.kind is PlaceRewardKind.POINTS:
        if not data.points or not 1 <= data.points <= AMOUNT_MAX:
            raise PlaceRewardError(
                _l("Give the points: a whole number from 1 to %(n)d.", n=AMOUNT_MAX),
                field="points",
            )
        row.points = data.points
    elif data.kind is PlaceRewardKind.ITEM:
        reward = db.session.get(Reward, data.reward_id) if data.reward_id else None
        if reward is None or not reward.active:
            raise PlaceRewardError(_l("Choose an active reward of the catalogue."), "reward_id")
        row.reward_id = reward.id
    else:
        _check_commitment(data, description)
        row.commitment_kind = data.commitment_kind
        row.owner_id = data.owner_id
        row.due_days = data.due_days
    return row


def _check_commitment(data: PlaceRewardData, description: str) -> None:
    if data.commitment_kind is None:
        raise PlaceRewardError(_l("Choose what is promised."), field="commitment_kind")
    if not description:
        raise PlaceRewardError(_l("Say what is promised."), field="description")
    owner = db.session.get(User, data.owner_id) if data.owner_id else None
    if owner is None or not owner.active:
        raise PlaceRewardError(_l("Choose who delivers it."), field="owner_id")
    if data.due_days is None or not 0 <= data.due_days <= DUE_DAYS_MAX:
        raise PlaceRewardError(
            _l("Give the days to deliver: 0 to %(n)d.", n=DUE_DAYS_MAX), field="due_days"
        )


def add_place_reward(owner: Owner, data: PlaceRewardData, actor: User | None) -> PlaceReward:
    """Attach a reward to a place of a campaign or an award category; commits."""
    owner = write_locked(type(owner), owner.id)
    if isinstance(owner, AwardCategory):  # publishing locks the period: take turns with it
        db.session.get(AwardPeriod, owner.period_id, with_for_update=True)
    try:
        _refuse_unless_open(owner)
        row = _checked(owner, data)
    except PlaceRewardError:
        db.session.rollback()
        raise
    if isinstance(owner, Campaign):
        row.campaign_id = owner.id
    else:
        row.category_id = owner.id
    db.session.add(row)
    db.session.flush()
    record_created("place_reward.add", row, user=actor)
    db.session.commit()
    return row


def remove_place_reward(place_reward_id: int, actor: User | None) -> None:
    """Take a reward off a place while the results are not published; commits."""
    begin_write()
    row = db.session.get(PlaceReward, place_reward_id, with_for_update=True)
    try:
        if row is None:
            raise PlaceRewardError(_l("This reward has already been removed."))
        _refuse_unless_open(row.campaign or row.category)
    except PlaceRewardError:
        db.session.rollback()
        raise
    record_audit(
        "place_reward.remove", "place_reward", row.id,
        {"place": row.place, "kind": row.kind, "points": row.points,
         "reward_id": row.reward_id, "commitment_kind": row.commitment_kind,
         "description": row.description},
        None, user=actor,
    )  # fmt: skip
    db.session.delete(row)
    db.session.commit()
