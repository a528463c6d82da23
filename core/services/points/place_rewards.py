"""Winners' rewards: grant each winner what their place gets, and reverse it on withdrawal.

`grant_place_rewards(result, actor)` and `reverse_place_rewards(result, actor, reason)`
take an AwardPeriod or a Campaign; they add to the caller's transaction and never commit
A result's rewards are granted when it becomes final, after its public notice (the
`result_final` signal of core.services.notices.events, sent once per announcement, in the
transaction that made it final); withdraw_period reverses them.

- Once: a PlaceRewardGrant is unique per (place reward, winner) in the database, and is
  inserted in a savepoint first; a second or racing call finds it taken and gives nothing.
- Points: a PLACE ledger entry "place:<grant id>". A catalogue item: a zero-cost approved
  redemption, so the existing hand-over step (fulfil) records its delivery and the
  employee sees it with their rewards; stock is left to the admin. Honours, career and
  material promises: a Commitment with its owner and due date (days after the result).
- Reversal appends a REVERSAL entry (never deletes). The ledger never goes negative: it
  takes at most the balance (ledger.append_capped), the rest is recorded as the shortfall
  in the entry's reason and the grant's note. An undelivered item or commitment is
  cancelled; a delivered one stays, and the grant's note says so.
"""

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import (
    AwardCategory,
    AwardPeriod,
    Campaign,
    CampaignStage,
    Commitment,
    EntryKind,
    PlaceReward,
    PlaceRewardGrant,
    PlaceRewardKind,
    Redemption,
    RedemptionStatus,
    StageResult,
    User,
    utcnow,
)
from core.services.notices.events import result_final
from core.services.periods import local_day
from core.services.points.ledger import append_capped, credit_place_reward

NOTE_MAX = 500


def result_title(place_reward: PlaceReward) -> str:
    """What the place was won in: "<campaign>" or "<period> · <category>"."""
    if place_reward.campaign is not None:
        return place_reward.campaign.name
    category = place_reward.category
    return f"{category.period.name} · {category.name}"


def _rewards_by_place(**owner) -> dict[int, list[PlaceReward]]:
    rows = db.session.scalars(select(PlaceReward).filter_by(**owner).order_by(PlaceReward.id))
    by_place: dict[int, list[PlaceReward]] = {}
    for row in rows:
        by_place.setdefault(row.place, []).append(row)
    return by_place


def _winners(result: AwardPeriod | Campaign) -> list[tuple[int, PlaceReward]]:
    """(employee id, place reward) for every winner of the result and their place."""
    if isinstance(result, Campaign):
        by_place = _rewards_by_place(campaign_id=result.id)
        rows = db.session.scalars(
            select(StageResult).filter_by(
                campaign_id=result.id, stage=CampaignStage.FINAL, passed=True
            )
        )
        return [(r.employee_id, pr) for r in rows for pr in by_place.get(r.rank, [])]
    pairs = []
    for category in result.categories:
        by_place = _rewards_by_place(category_id=category.id)
        for winner in category.winners:
            pairs += [(winner.employee_id, pr) for pr in by_place.get(winner.rank, [])]
    return pairs


def _claim(place_reward: PlaceReward, employee_id: int) -> PlaceRewardGrant | None:
    """Insert the grant in a savepoint; None when it exists (a repeat, or a racing call)."""
    grant = PlaceRewardGrant(place_reward_id=place_reward.id, employee_id=employee_id)
    db.session.flush()
    try:
        with db.session.begin_nested():
            db.session.add(grant)
            db.session.flush()
    except IntegrityError:
        return None
    return grant


def _give(grant: PlaceRewardGrant, actor: User | None) -> None:
    """Enter the grant's points, item or commitment."""
    reward = grant.place_reward
    now = utcnow()
    if reward.kind is PlaceRewardKind.POINTS:
        credit_place_reward(grant.employee_id, reward.points, grant.id, actor)
    elif reward.kind is PlaceRewardKind.ITEM:
        actor_id = actor.id if actor is not None else None
        note = _(
            "Winner's reward: place %(n)d in %(result)s",
            n=reward.place,
            result=result_title(reward),
        )
        grant.redemption = Redemption(
            employee_id=grant.employee_id,
            reward_id=reward.reward_id,
            cost=0,
            status=RedemptionStatus.APPROVED,
            requested_by_id=actor_id,
            decided_by_id=actor_id,
            decided_at=now,
            note=note[:NOTE_MAX],
        )
    else:
        due = None if reward.due_days is None else local_day(now) + timedelta(reward.due_days)
        db.session.add(
            Commitment(
                grant=grant,
                employee_id=grant.employee_id,
                kind=reward.commitment_kind,
                description=reward.description,
                owner_id=reward.owner_id,
                due_on=due,
            )
        )


def grant_place_rewards(
    result: AwardPeriod | Campaign, actor: User | None
) -> list[PlaceRewardGrant]:
    """Grant every winner of a final result the rewards of their place, once each.

    Returns the grants made by this call (none on a repeat). The caller commits.
    """
    made = []
    for employee_id, place_reward in _winners(result):
        grant = _claim(place_reward, employee_id)
        if grant is not None:
            _give(grant, actor)
            made.append(grant)
    db.session.flush()
    return made


def grants_of_result(result: AwardPeriod | Campaign) -> list[PlaceRewardGrant]:
    """Every grant made for the result, oldest first."""
    query = select(PlaceRewardGrant).join(PlaceReward)
    if isinstance(result, Campaign):
        query = query.where(PlaceReward.campaign_id == result.id)
    else:
        categories = select(AwardCategory.id).where(AwardCategory.period_id == result.id)
        query = query.where(PlaceReward.category_id.in_(categories))
    return list(db.session.scalars(query.order_by(PlaceRewardGrant.id)))


def _reverse_points(grant: PlaceRewardGrant, actor: User | None, reason: str) -> str:
    """Append the reversal; the shortfall when the points were already spent ("" if none)."""
    points = grant.place_reward.points
    entry = append_capped(
        grant.employee_id, -points, EntryKind.REVERSAL, f"place:{grant.id}", actor, reason
    )
    shortfall = points + entry.amount
    return _("%(n)d points already spent, not taken back", n=shortfall) if shortfall else ""


def _cancel_item(grant: PlaceRewardGrant) -> str:
    """Cancel the item unless it was handed over (then say so)."""
    cancelled = db.session.execute(
        update(Redemption)
        .where(
            Redemption.id == grant.redemption_id,
            Redemption.status == RedemptionStatus.APPROVED,
        )
        .values(status=RedemptionStatus.CANCELLED, decided_at=utcnow())
    )
    return "" if cancelled.rowcount == 1 else _("item already handed over")


def _cancel_commitment(grant: PlaceRewardGrant) -> str:
    commitment = db.session.scalars(select(Commitment).filter_by(grant_id=grant.id)).one()
    if commitment.delivered_at is not None:
        return _("already delivered")
    commitment.cancelled_at = utcnow()
    return ""


def reverse_place_rewards(
    result: AwardPeriod | Campaign, actor: User | None, reason: str
) -> list[PlaceRewardGrant]:
    """Take back what a withdrawn result granted (see the module docstring); the caller
    commits. A grant already reversed is left alone. Returns the grants reversed now."""
    reversed_now = []
    for grant in grants_of_result(result):
        if grant.reversed_at is not None:
            continue
        kind = grant.place_reward.kind
        if kind is PlaceRewardKind.POINTS:
            note = _reverse_points(grant, actor, reason)
        elif kind is PlaceRewardKind.ITEM:
            note = _cancel_item(grant)
        else:
            note = _cancel_commitment(grant)
        grant.reversed_at = utcnow()
        grant.reversal_note = note[:NOTE_MAX]
        reversed_now.append(grant)
    db.session.flush()
    return reversed_now


@result_final.connect
def _grant_when_final(notice, actor: User | None = None, **_extra) -> None:
    """A final award period, or a campaign's final stage, grants its places' rewards."""
    if notice.award_period_id is not None:
        grant_place_rewards(db.session.get(AwardPeriod, notice.award_period_id), actor)
    elif notice.stage is CampaignStage.FINAL:
        grant_place_rewards(db.session.get(Campaign, notice.campaign_id), actor)
