"""Points as admins see them: balances of the visible staff, manual adjustments."""

from sqlalchemy import select

from core.database import begin_write
from core.extensions import db
from core.models import Branch, Employee, EmployeeBalance, PointsEntry, User
from core.services.points.ledger import adjust_points


def staff_query(branch_ids: set[int] | None):
    """Query of the employees of the visible branches, by branch then name."""
    query = (
        select(Employee)
        .join(Branch, Branch.id == Employee.branch_id)
        .order_by(Branch.name, Employee.display_name, Employee.id)
    )
    if branch_ids is not None:
        query = query.where(Employee.branch_id.in_(sorted(branch_ids) or [0]))
    return query


def balances_of(employee_ids: list[int]) -> dict[int, int]:
    """Employee id -> balance (missing ids have 0)."""
    rows = db.session.execute(
        select(EmployeeBalance.employee_id, EmployeeBalance.balance).where(
            EmployeeBalance.employee_id.in_(employee_ids or [0])
        )
    )
    return dict(rows.all())


def adjust_employee_points(
    employee_id: int, amount: int, actor: User | None, reason: str
) -> PointsEntry:
    """A manual correction with a mandatory reason, audited by the ledger; commits."""
    begin_write()
    try:
        employee = db.session.get(Employee, employee_id)
        entry = adjust_points(employee, amount, actor, reason)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return entry
