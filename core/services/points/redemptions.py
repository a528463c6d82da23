"""Redemptions: an employee's points exchanged for a reward.

requested → approved (points spent and stock taken, in one transaction: both or neither)
or rejected (with a reason) or cancelled (by the employee) → fulfilled. A request holds
its points from the moment it is made: available = balance − held, where held is the
cost of the employee's open requests, so open requests never add up to more than the
balance; rejecting or cancelling releases them. Requests of one employee take turns
(a row lock on the employee). Approvals racing for the same balance or the same stock
are decided by conditional UPDATEs in the database: only those that fit pass, the others
get InsufficientPoints or OutOfStock and change nothing.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update

from core.database import begin_write, write_locked
from core.extensions import db
from core.models import Employee, Redemption, RedemptionStatus, Reward, User, utcnow
from core.services import DomainError
from core.services.audit import record_audit
from core.services.points.ledger import InsufficientPoints, balance_of, spend_points
from core.services.points.rewards import within_tier
from core.services.points.tiers import latest_tier

REASON_MAX = 500


class RedemptionError(DomainError):
    """The redemption cannot take this step (message says why)."""


class OutOfStock(RedemptionError):
    """No item of this reward is left."""


class RewardUnavailable(RedemptionError):
    """The reward is inactive or out of stock, so it cannot be requested."""


def _actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


def held_points(employee_ids: list[int]) -> dict[int, int]:
    """Points held by open requests, per employee (absent: none)."""
    rows = db.session.execute(
        select(Redemption.employee_id, func.sum(Redemption.cost))
        .where(
            Redemption.employee_id.in_(employee_ids or [0]),
            Redemption.status == RedemptionStatus.REQUESTED,
        )
        .group_by(Redemption.employee_id)
    )
    return {employee_id: int(held) for employee_id, held in rows}


def available_points(employee_id: int) -> int:
    """What a new request may use: the balance less the points open requests hold."""
    return balance_of(employee_id) - held_points([employee_id]).get(employee_id, 0)


def _refuse_unless_covered(employee_id: int, reward: Reward) -> None:
    """RewardUnavailable or InsufficientPoints unless a request for `reward` can hold its cost."""
    if not reward.active or reward.stock == 0:
        raise RewardUnavailable(_l("This reward is not available at the moment."))
    if not within_tier(reward, latest_tier(employee_id)):
        raise RewardUnavailable(
            _l("This reward is reserved for score tier %(n)d and up.", n=reward.min_tier)
        )
    held = held_points([employee_id]).get(employee_id, 0)
    available = balance_of(employee_id) - held
    if available >= reward.cost:
        return
    if held:
        message = _l(
            "Not enough points: %(available)d available (%(held)d held by open requests), "
            "%(cost)d needed.",
            available=max(available, 0),
            held=held,
            cost=reward.cost,
        )
    else:
        message = _l(
            "Not enough points: %(balance)d available, %(cost)d needed.",
            balance=max(available, 0),
            cost=reward.cost,
        )
    raise InsufficientPoints(message)


def request_redemption(
    employee: Employee, reward: Reward, actor: User | None = None, note: str = ""
) -> Redemption:
    """Ask for a reward, at its current cost (by an admin for the employee, or themselves).

    The request holds its points until it is decided (see the module docstring); they
    are spent at approval. Commits.
    """
    reward_id = reward.id
    employee = write_locked(Employee, employee.id)
    reward = db.session.get(Reward, reward_id)
    try:
        _refuse_unless_covered(employee.id, reward)
    except (RedemptionError, InsufficientPoints):
        db.session.rollback()
        raise
    redemption = Redemption(
        employee_id=employee.id,
        reward_id=reward.id,
        cost=reward.cost,
        requested_by_id=_actor_id(actor),
        note=(note or "").strip()[:REASON_MAX],
    )
    db.session.add(redemption)
    db.session.flush()
    if actor is not None:
        record_audit(
            "redemption.request",
            "redemption",
            redemption.id,
            None,
            {"employee": employee.id, "reward": reward.id, "cost": reward.cost},
            user=actor,
        )
    db.session.commit()
    return redemption


def _move(redemption_id: int, source: RedemptionStatus, target: RedemptionStatus, **values):
    """Move the status in one conditional UPDATE; False when another decision came first."""
    result = db.session.execute(
        update(Redemption)
        .where(Redemption.id == redemption_id, Redemption.status == source)
        .values(status=target, **values)
    )
    return result.rowcount == 1


def _take_stock(reward_id: int) -> bool:
    """Take one item when some are left (NULL stock is unlimited), in one conditional UPDATE."""
    result = db.session.execute(
        update(Reward)
        .where(Reward.id == reward_id, or_(Reward.stock.is_(None), Reward.stock > 0))
        .values(stock=Reward.stock - 1)
    )
    return result.rowcount == 1


def approve_redemption(redemption_id: int, actor: User | None) -> Redemption:
    """Approve: spend the points and take one item of stock, both or neither. Commits.

    InsufficientPoints when the balance no longer covers the cost, OutOfStock when the
    last item went to another approval, RedemptionError when already decided.
    """
    begin_write()
    try:
        if not _move(
            redemption_id,
            RedemptionStatus.REQUESTED,
            RedemptionStatus.APPROVED,
            decided_by_id=_actor_id(actor),
            decided_at=utcnow(),
        ):
            raise RedemptionError(_l("This request has already been decided."))
        redemption = db.session.scalars(
            select(Redemption)
            .where(Redemption.id == redemption_id)
            .execution_options(populate_existing=True)
        ).one()
        reward_name = redemption.reward.name
        try:
            spend_points(
                redemption.employee_id,
                redemption.cost,
                f"redemption:{redemption.id}",
                actor,
                reward_name,
            )
        except InsufficientPoints as error:
            raise InsufficientPoints(
                _l(
                    "Not enough points for “%(reward)s” (%(cost)d needed, %(balance)d left).",
                    reward=reward_name,
                    cost=redemption.cost,
                    balance=balance_of(redemption.employee_id),
                )
            ) from error
        if not _take_stock(redemption.reward_id):
            raise OutOfStock(_l("“%(reward)s” is out of stock.", reward=reward_name))
        record_audit(
            "redemption.approve",
            "redemption",
            redemption.id,
            {"status": "requested"},
            {"status": "approved", "cost": redemption.cost},
            user=actor,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return redemption


def reject_redemption(redemption_id: int, actor: User | None, reason: str) -> None:
    """Turn a request down with a reason; nothing is spent. Commits."""
    reason = (reason or "").strip()
    if not reason:
        raise RedemptionError(_l("Give a reason."))
    begin_write()
    if not _move(
        redemption_id,
        RedemptionStatus.REQUESTED,
        RedemptionStatus.REJECTED,
        decided_by_id=_actor_id(actor),
        decided_at=utcnow(),
        note=reason[:REASON_MAX],
    ):
        db.session.rollback()
        raise RedemptionError(_l("This request has already been decided."))
    record_audit(
        "redemption.reject",
        "redemption",
        redemption_id,
        {"status": "requested"},
        {"status": "rejected", "reason": reason},
        user=actor,
    )
    db.session.commit()


def cancel_redemption(redemption_id: int, employee_id: int) -> None:
    """The employee withdraws their own open request, releasing its points. Commits."""
    begin_write()
    result = db.session.execute(
        update(Redemption)
        .where(
            Redemption.id == redemption_id,
            Redemption.employee_id == employee_id,
            Redemption.status == RedemptionStatus.REQUESTED,
        )
        .values(status=RedemptionStatus.CANCELLED, decided_at=utcnow())
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise RedemptionError(_l("Only your own open requests can be cancelled."))
    db.session.commit()


def fulfil_redemption(redemption_id: int, actor: User | None) -> None:
    """Record that the approved reward was handed over. Commits."""
    begin_write()
    if not _move(
        redemption_id, RedemptionStatus.APPROVED, RedemptionStatus.FULFILLED, fulfilled_at=utcnow()
    ):
        db.session.rollback()
        raise RedemptionError(_l("Only an approved request can be fulfilled."))
    record_audit(
        "redemption.fulfil",
        "redemption",
        redemption_id,
        {"status": "approved"},
        {"status": "fulfilled"},
        user=actor,
    )
    db.session.commit()


def redemptions_query(branch_ids: set[int] | None, status: RedemptionStatus | None = None):
    """The redemptions query of the visible branches, newest first."""
    query = select(Redemption).join(Employee, Employee.id == Redemption.employee_id)
    if branch_ids is not None:
        query = query.where(Employee.branch_id.in_(sorted(branch_ids) or [0]))
    if status is not None:
        query = query.where(Redemption.status == status)
    return query.order_by(Redemption.requested_at.desc(), Redemption.id.desc())


def redemptions_of(employee_id: int) -> list[Redemption]:
    """An employee's requests, newest first."""
    return list(
        db.session.scalars(
            select(Redemption)
            .where(Redemption.employee_id == employee_id)
            .order_by(Redemption.requested_at.desc(), Redemption.id.desc())
        )
    )
