"""Who may do what in the admin area: roles, and the branches a manager may see.

Admins see everything; a manager sees only the branches assigned to them
(User.branches); a judge sees no branch (campaign scoring only). Records of a
branch the user may not see answer 404, so ids cannot be probed.
"""

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import false, true

from core.extensions import db, login_manager
from core.models import Role, User

__all__ = [
    "admin_required",
    "branch_filter",
    "get_visible_or_404",
    "home_endpoint",
    "login_required",
    "require_branch",
    "roles_required",
    "staff_required",
    "visible_branch_ids",
]


def roles_required(*roles: Role):
    """Decorator: the signed-in user must have one of these roles (else 403; anonymous: login)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


admin_required = roles_required(Role.ADMIN)
# Admins and managers: the people who run branches, employees and feedback.
staff_required = roles_required(Role.ADMIN, Role.MANAGER)


def home_endpoint(user: User) -> str:
    """A user's first page: Judging for a judge (who sees no branch), else the dashboard."""
    return "admin.judging_list" if user.role is Role.JUDGE else "admin.dashboard"


def visible_branch_ids(user: User | None = None) -> set[int] | None:
    """The ids of the branches the user may see; None means all (an admin)."""
    user = user if user is not None else current_user
    if not user.is_authenticated:
        return set()
    if user.role is Role.ADMIN:
        return None
    if user.role is Role.MANAGER:
        return {branch.id for branch in user.branches}
    return set()


def can_see_branch(branch_id: int | None, user: User | None = None) -> bool:
    """Whether the user may see records of this branch."""
    visible = visible_branch_ids(user)
    return visible is None or branch_id in visible


def require_branch(branch_id: int | None) -> None:
    """Abort with 404 when the signed-in user may not see this branch."""
    if not can_see_branch(branch_id):
        abort(404)


def branch_filter(column):
    """A where-clause limiting a query to the signed-in user's branches."""
    visible = visible_branch_ids()
    if visible is None:
        return true()
    if not visible:
        return false()
    return column.in_(sorted(visible))


def get_visible_or_404(model, ident: int, branch_of: Callable | None = None):
    """Load a row by id, or 404 when it is missing or in a branch the user may not see.

    branch_of maps the row to its branch id; by default the row's branch_id.
    """
    row = db.session.get(model, ident)
    if row is None:
        abort(404)
    require_branch(branch_of(row) if branch_of else row.branch_id)
    return row
