"""Points: every employee's balance and ledger, manual adjustments, redemption requests."""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import get_visible_or_404, staff_required, visible_branch_ids
from admin.points_forms import AdjustPointsForm
from core.actions import attempt
from core.extensions import db
from core.forms import RedeemForm
from core.models import Employee, Reward
from core.services.points.balances import adjust_employee_points, balances_of, staff_query
from core.services.points.ledger import balance_of
from core.services.points.ledger_lines import ledger_lines
from core.services.points.redemptions import redemptions_of, request_redemption
from core.services.points.rewards import catalogue

PER_PAGE = 50
LEDGER_ROWS = 200


@bp.get("/points")
@staff_required
def points_list():
    """Every employee of the user's branches with their points balance."""
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
    """The employee's points page, with a form as submitted when it had errors."""
    return render_template(
        "admin/points/detail.html",
        employee=employee,
        balance=balance_of(employee.id),
        entries=ledger_lines(employee.id, limit=LEDGER_ROWS),
        redemptions=redemptions_of(employee.id),
        adjust=adjust or AdjustPointsForm(prefix="adjust"),
        redeem=redeem or redeem_form(),
    ), status


@bp.get("/points/<int:employee_id>")
@staff_required
def points_detail(employee_id: int):
    """An employee's balance, ledger and redemptions, with the adjust and redeem forms."""
    return _detail(get_visible_or_404(Employee, employee_id))


@bp.post("/points/<int:employee_id>/adjust")
@staff_required
def points_adjust(employee_id: int):
    """Add or take off points by hand, with a reason."""
    employee = get_visible_or_404(Employee, employee_id)
    form = AdjustPointsForm(prefix="adjust")
    if not form.validate_on_submit():
        return _detail(employee, adjust=form, status=400)
    if not attempt(
        lambda: adjust_employee_points(
            employee.id, form.amount.data, current_user, form.reason.data
        ),
        _("Points adjusted."),
        form=form,
        field="amount",
    ):
        return _detail(employee, adjust=form, status=409)
    return redirect(url_for("admin.points_detail", employee_id=employee_id))


@bp.post("/points/<int:employee_id>/redeem")
@staff_required
def points_redeem(employee_id: int):
    """Ask for a reward on the employee's behalf; it waits for approval."""
    employee = get_visible_or_404(Employee, employee_id)
    form = redeem_form()
    if not form.validate_on_submit():
        return _detail(employee, redeem=form, status=400)
    reward = db.session.get(Reward, form.reward_id.data)
    if not attempt(
        lambda: request_redemption(employee, reward, current_user, form.note.data),
        _("Redemption requested; approve it under Redemptions."),
        form=form,
        field="reward_id",
    ):
        return _detail(employee, redeem=form, status=409)
    return redirect(url_for("admin.points_detail", employee_id=employee_id))
