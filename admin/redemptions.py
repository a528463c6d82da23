"""Redemption requests: approve (points spent, stock taken), reject with a reason, fulfil."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import get_visible_or_404, staff_required, visible_branch_ids
from admin.forms import EmptyForm, ReasonForm
from core.extensions import db
from core.models import Redemption, RedemptionStatus
from core.services import DomainError
from core.services.points.redemptions import (
    approve_redemption,
    fulfil_redemption,
    redemptions_query,
    reject_redemption,
)

PER_PAGE = 50


def _visible_redemption(redemption_id: int) -> Redemption:
    return get_visible_or_404(Redemption, redemption_id, lambda r: r.employee.branch_id)


def _status_filter() -> RedemptionStatus | None:
    value = request.args.get("status", "requested")
    return RedemptionStatus(value) if value in {s.value for s in RedemptionStatus} else None


@bp.get("/redemptions")
@staff_required
def redemption_list():
    status = _status_filter()
    page = db.paginate(
        redemptions_query(visible_branch_ids(), status),
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
    )
    return render_template(
        "admin/redemptions/list.html",
        page=page,
        status=status,
        statuses=list(RedemptionStatus),
        args={"status": status.value if status else "all"},
        button=EmptyForm(),
        reject=ReasonForm(),
    )


def _act(redemption_id: int, action, success: str):
    """Run one decision, flashing its result; a refused one explains why."""
    try:
        action()
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(success, "success")
    return redirect(url_for("admin.redemption_list"))


@bp.post("/redemptions/<int:redemption_id>/approve")
@staff_required
def redemption_approve(redemption_id: int):
    _visible_redemption(redemption_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.redemption_list")), 400
    return _act(
        redemption_id,
        lambda: approve_redemption(redemption_id, current_user),
        _("Approved: the points were spent."),
    )


@bp.post("/redemptions/<int:redemption_id>/reject")
@staff_required
def redemption_reject(redemption_id: int):
    _visible_redemption(redemption_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason to reject (at least 3 characters)."), "error")
        return redirect(url_for("admin.redemption_list")), 400
    return _act(
        redemption_id,
        lambda: reject_redemption(redemption_id, current_user, form.reason.data),
        _("Request rejected."),
    )


@bp.post("/redemptions/<int:redemption_id>/fulfil")
@staff_required
def redemption_fulfil(redemption_id: int):
    _visible_redemption(redemption_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.redemption_list")), 400
    return _act(
        redemption_id,
        lambda: fulfil_redemption(redemption_id, current_user),
        _("Marked as handed over."),
    )
