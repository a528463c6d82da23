"""Points: every employee's balance and ledger, manual adjustments, redemption requests."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import get_visible_or_404, staff_required, visible_branch_ids
from admin.scheme_forms import AdjustPointsForm, RedeemForm
from core.extensions import db
from core.models import Employee, Reward
from core.services import DomainError
from core.services.points.balances import adjust_employee_points, balances_of, staff_query
from core.services.points.ledger import balance_of, ledger_for
from core.services.points.redemptions import redemptions_of, request_redemption
from core.services.points.rewards import catalogue

PER_PAGE = 50
LEDGER_ROWS = 200


@bp.get("/points")
@staff_required
def points_list():
    page = db.paginate(
        staff_query(visible_branch_ids()),
        page=request.args.get("page", 1, type=int),
        per_page=PER_PAGE,
    )
    amounts = balances_of([employee.id for employee in page.items])
    return render_template("admin/points/list.html", page=page, balances=amounts, args={})


def redeem_form() -> RedeemForm:
    """The reward picker, listing the active rewards with their cost."""
    form = RedeemForm(prefix="redeem")
    form.reward_id.choices = [
        (r.id, f"{r.name} ({r.cost})") for r in catalogue(active_only=True) if r.stock != 0
    ]
    return form


def _detail(employee: Employee, adjust=None, redeem=None, status: int = 200):
    return render_template(
        "admin/points/detail.html",
        employee=employee,
        balance=balance_of(employee.id),
        entries=ledger_for(employee.id, limit=LEDGER_ROWS),
        redemptions=redemptions_of(employee.id),
        adjust=adjust or AdjustPointsForm(prefix="adjust"),
        redeem=redeem or redeem_form(),
    ), status


@bp.get("/points/<int:employee_id>")
@staff_required
def points_detail(employee_id: int):
    return _detail(get_visible_or_404(Employee, employee_id))


@bp.post("/points/<int:employee_id>/adjust")
@staff_required
def points_adjust(employee_id: int):
    employee = get_visible_or_404(Employee, employee_id)
    form = AdjustPointsForm(prefix="adjust")
    if not form.validate_on_submit():
        return _detail(employee, adjust=form, status=400)
    try:
        adjust_employee_points(employee.id, form.amount.data, current_user, form.reason.data)
    except DomainError as error:
        form.amount.errors.append(str(error))
        return _detail(employee, adjust=form, status=409)
    flash(_("Points adjusted."), "success")
    return redirect(url_for("admin.points_detail", employee_id=employee_id))


@bp.post("/points/<int:employee_id>/redeem")
@staff_required
def points_redeem(employee_id: int):
    employee = get_visible_or_404(Employee, employee_id)
    form = redeem_form()
    if not form.validate_on_submit():
        return _detail(employee, redeem=form, status=400)
    try:
        reward = db.session.get(Reward, form.reward_id.data)
        request_redemption(employee, reward, current_user, form.note.data)
    except DomainError as error:
        form.reward_id.errors.append(str(error))
        return _detail(employee, redeem=form, status=409)
    flash(_("Redemption requested; approve it under Redemptions."), "success")
    return redirect(url_for("admin.points_detail", employee_id=employee_id))
