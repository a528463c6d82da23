"""The points rules: shown to staff, changed by admins (a new version each time)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import admin_required, staff_required
from admin.scheme_forms import RulesForm
from core.services import DomainError
from core.services.points.rules import (
    current_points_rules,
    current_weights,
    save_points_rules,
    score_settings,
)
from scoring.points import PointsRules


def _page(form: RulesForm, status: int = 200):
    return render_template(
        "admin/rules/show.html",
        form=form,
        rules=current_points_rules(),
        weights=current_weights(),
        settings=score_settings(),
    ), status


@bp.get("/rules")
@staff_required
def rules_show():
    rules = current_points_rules()
    stars = {f"star{n}": points for n, points in enumerate(rules.per_star, start=1)}
    return _page(RulesForm(data={**stars, "surprise_bonus": rules.surprise_bonus}))


@bp.post("/rules")
@admin_required
def rules_save():
    form = RulesForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    try:
        rules = PointsRules(per_star=form.per_star, surprise_bonus=form.surprise_bonus.data)
        save_points_rules(rules, current_user)
    except (DomainError, ValueError) as error:
        form.star1.errors.append(str(error))
        return _page(form, 400)
    flash(_("Points rules saved; they apply to ratings verified from now on."), "success")
    return redirect(url_for("admin.rules_show"))
