"""Redemption requests: approve (points spent, stock taken), reject with a reason, fulfil."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from admin import bp
from admin.access import get_visible_or_404, staff_required, visible_branch_ids
from admin.forms import EmptyForm, ReasonForm
from core.actions import attempt
from core.extensions import db
from core.models import Redemption, RedemptionStatus
from core.services.points.balances import balances_of
from core.services.points.redemptions import (
    approve_redemption,
    fulfil_redemption,
    held_points,
    redemptions_query,
    reject_redemption,
)

PER_PAGE = 50


def _visible_redemption(redemption_id: int) -> Redemption:
    """The redemption, or 404 when its employee is in a branch the user may not see."""
    return get_visible_or_404(Redemption, redemption_id, lambda r: r.employee.branch_id)


def _status_filter() -> RedemptionStatus | None:
    """The status asked for in the query string (default: requested); None for all."""
    value = request.args.get("status", "requested")
    return RedemptionStatus(value) if value in {s.value for s in RedemptionStatus} else None


@bp.get("/redemptions")
@staff_required
def redemption_list():
    """Redemption requests of the user's branches, by status."""
    status = _status_filter()
    page = db.paginate(
        redemptions_query(visible_branch_ids(), status),
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
    )
    employee_ids = sorted({r.employee_id for r in page.items})
    return render_template(
        "admin/redemptions/list.html",
        page=page,
        balances=balances_of(employee_ids),
        held=held_points(employee_ids),
        status=status,
        statuses=list(RedemptionStatus),
        args={"status": status.value if status else "all"},
        button=EmptyForm(),
        reject=ReasonForm(),
    )


@bp.post("/redemptions/<int:redemption_id>/approve")
@staff_required
def redemption_approve(redemption_id: int):
    """Approve a request: the points are spent and the stock taken."""
    return _decide(
        redemption_id,
        EmptyForm(),
        lambda: approve_redemption(redemption_id, current_user),
        _("Approved: the points were spent."),
    )


@bp.post("/redemptions/<int:redemption_id>/reject")
@staff_required
def redemption_reject(redemption_id: int):
    """Reject a request, with a reason."""
    form = ReasonForm()
    return _decide(
        redemption_id,
        form,
        lambda: reject_redemption(redemption_id, current_user, form.reason.data),
        _("Request rejected."),
        invalid=_("Give a reason to reject (at least 3 characters)."),
    )


@bp.post("/redemptions/<int:redemption_id>/fulfil")
@staff_required
def redemption_fulfil(redemption_id: int):
    """Mark an approved reward as handed over."""
    return _decide(
        redemption_id,
        EmptyForm(),
        lambda: fulfil_redemption(redemption_id, current_user),
        _("Marked as handed over."),
    )


def _decide(redemption_id: int, form: FlaskForm, action, success: str, invalid: str = ""):
    """Run one decision on a request the user may see, then back to the list.

    A form that does not validate changes nothing: 400, with `invalid` flashed if given.
    """
    _visible_redemption(redemption_id)
    back = redirect(url_for("admin.redemption_list"))
    if not form.validate_on_submit():
        if invalid:
            flash(invalid, "error")
        return back, 400
    attempt(action, success)
    return back
