"""Branches: create, edit, deactivate; every change audited."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.database import begin_write
from core.extensions import db
from core.models import Branch, Employee, User
from core.services import DomainError
from core.services.audit import record_change, record_created


class BranchNameTaken(DomainError):
    """Branch names are unique (the database says so too)."""


def _check_name_free(name: str, branch_id: int | None = None) -> None:
    query = select(Branch.id).where(func.lower(Branch.name) == name.lower())
    if branch_id is not None:
        query = query.where(Branch.id != branch_id)
    if db.session.scalar(query) is not None:
        raise BranchNameTaken(_("A branch with this name exists already."))


def _commit_or_name_taken() -> None:
    try:
        db.session.commit()
    except IntegrityError as error:  # a concurrent request took the name first
        db.session.rollback()
        raise BranchNameTaken(_("A branch with this name exists already.")) from error


def create_branch(name: str, address: str, actor: User) -> Branch:
    """Add a branch; commits."""
    name = name.strip()
    begin_write()
    _check_name_free(name)
    branch = Branch(name=name, address=address.strip())
    db.session.add(branch)
    db.session.flush()
    record_created("branch.create", branch, user=actor)
    _commit_or_name_taken()
    return branch


def update_branch(branch: Branch, name: str, address: str, actor: User) -> Branch:
    """Rename a branch or change its address; commits."""
    name = name.strip()
    begin_write()
    _check_name_free(name, branch.id)
    branch.name, branch.address = name, address.strip()
    record_change("branch.update", branch, user=actor)
    _commit_or_name_taken()
    return branch


def set_branch_active(branch: Branch, active: bool, actor: User) -> Branch:
    """Deactivate (or reactivate) a branch; its history stays. Commits."""
    begin_write()
    branch.active = active
    record_change("branch.activate" if active else "branch.deactivate", branch, user=actor)
    db.session.commit()
    return branch


def branch_choices(branch_ids: set[int] | None, include_inactive: bool = False) -> list:
    """(id, name) pairs of the branches a user may see, for select fields."""
    query = select(Branch.id, Branch.name).order_by(Branch.name)
    if branch_ids is not None:
        query = query.where(Branch.id.in_(sorted(branch_ids)))
    if not include_inactive:
        query = query.where(Branch.active.is_(True))
    return [(row.id, row.name) for row in db.session.execute(query)]


def employee_choices(branch_ids: set[int] | None, active_only: bool = False) -> list:
    """(id, "name · branch") pairs of the employees in the given branches (None: all)."""
    query = (
        select(Employee.id, Employee.display_name, Branch.name.label("branch"))
        .join(Branch, Employee.branch_id == Branch.id)
        .order_by(Branch.name, Employee.display_name)
    )
    if branch_ids is not None:
        query = query.where(Employee.branch_id.in_(sorted(branch_ids)))
    if active_only:
        query = query.where(Employee.active.is_(True))
    return [(row.id, f"{row.display_name} · {row.branch}") for row in db.session.execute(query)]
