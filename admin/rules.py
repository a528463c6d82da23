"""The points rules: shown to staff, changed by admins (a new version each time)."""

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import admin_required, staff_required
from admin.pages import form_page
from admin.points_forms import RulesForm
from core.actions import attempt
from core.services.points.rules import (
    current_points_rules,
    current_weights,
    save_points_rules,
    score_settings,
)


def _page(form: RulesForm):
    """The rules page: points per star, score weights and settings, and the form."""
    return form_page(
        "admin/rules/show.html",
        form,
        rules=current_points_rules(),
        weights=current_weights(),
        settings=score_settings(),
    )


@bp.get("/rules")
@staff_required
def rules_show():
    """The points rules in force, the form filled with them."""
    rules = current_points_rules()
    stars = {f"star{n}": points for n, points in enumerate(rules.per_star, start=1)}
    return _page(RulesForm(data={**stars, "surprise_bonus": rules.surprise_bonus}))


@bp.post("/rules")
@admin_required
def rules_save():
    """Store a new version of the points rules."""
    form = RulesForm()
    if not form.validate_on_submit():
        return _page(form)
    # A mapping, so that the service turns a broken rule into a refusal (InvalidRules).
    rules = {"per_star": form.per_star, "surprise_bonus": form.surprise_bonus.data}
    if not attempt(
        lambda: save_points_rules(rules, current_user),
        _("Points rules saved; they apply to ratings verified from now on."),
        form=form,
        field="star1",
    ):
        return _page(form)
    return redirect(url_for("admin.rules_show"))
