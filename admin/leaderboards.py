"""Leaderboards: any period, overall or per branch, with each rank's change since the
period before. Admins see every branch; a manager sees the branches they manage."""

from flask import abort, render_template, request

from admin import bp
from admin.access import staff_required, visible_branch_ids
from core.services.people.branches import branch_choices
from core.services.periods import current_period_key
from core.services.ratings.leaderboard import leaderboard_page as ranking_page
from scoring.periods import previous_period_key

PERIODS_OFFERED = 12
PER_PAGE = 50


def _periods() -> list[str]:
    """This period and the ones before it, newest first."""
    keys = [current_period_key()]
    while len(keys) < PERIODS_OFFERED:
        keys.append(previous_period_key(keys[-1]))
    return keys


def _chosen_branch(branches: list, admin: bool) -> int | None:
    """The branch asked for, if the user may see it; a manager always sees one branch."""
    branch_id = request.args.get("branch", type=int)
    visible = {branch_id for branch_id, _name in branches}
    if branch_id is not None and branch_id not in visible:
        abort(404)
    if branch_id is None and not admin:
        return branches[0][0] if branches else abort(404)
    return branch_id


@bp.get("/leaderboard")
@staff_required
def leaderboard_page():
    """One period's ranking (default: this one), overall or of one branch, paged."""
    periods = _periods()
    key = request.args.get("period", periods[0])
    if key not in periods:
        abort(404)
    visible = visible_branch_ids()
    branches = branch_choices(visible)
    branch_id = _chosen_branch(branches, admin=visible is None)
    shown = ranking_page(key, branch_id, request.args.get("page", 1, type=int), PER_PAGE)
    return render_template(
        "admin/leaderboards/show.html",
        rows=shown.rows,
        first_rank_row=(shown.page - 1) * PER_PAGE,
        page=shown.page,
        pages=shown.pages,
        period_key=key,
        periods=periods,
        branch_id=branch_id,
        branches=branches,
        can_see_all=visible is None,
    )
