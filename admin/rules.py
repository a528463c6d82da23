"""The points rules: shown to staff, changed by admins (a new version each time)."""

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import admin_required, staff_required
from admin.pages import form_page
from admin.points_forms import ClosePeriodForm, RulesForm
from core.actions import attempt
from core.i18n import current_locale_code
from core.services.periods import current_period_key
from core.services.points.rules import (
    current_points_rules,
    current_rule_set,
    current_weights,
    save_points_rules,
    score_settings,
)
from core.services.points.tiers import close_period
from scoring.periods import previous_period_key

CLOSABLE_PERIODS = 6


def _close_form() -> ClosePeriodForm:
    """Closing a period: the last few ended periods, the one just ended first."""
    form = ClosePeriodForm(prefix="close")
    keys = [previous_period_key(current_period_key())]
    while len(keys) < CLOSABLE_PERIODS:
        keys.append(previous_period_key(keys[-1]))
    form.period.choices = [(k, k) for k in keys]
    return form


def _page(form: RulesForm, close: ClosePeriodForm | None = None):
    """The rules page: points per star, tiers, score settings, the forms."""
    rules, rule_set = current_points_rules(), current_rule_set()
    return form_page(
        "admin/rules/show.html",
        form,
        failed=bool(close and close.errors),
        close=close or _close_form(),
        rules=rules,
        standard=rules.standard_text(current_locale_code()),
        since=rule_set.created_at if rule_set is not None else None,
        weights=current_weights(),
        settings=score_settings(),
    )


@bp.get("/rules")
@staff_required
def rules_show():
    """The points rules in force, the form filled with them."""
    return _page(RulesForm(data=RulesForm.data_of(current_points_rules())))


@bp.post("/rules/close-period")
@admin_required
def rules_close_period():
    """Fix the score tiers of an ended period and enter their extra points."""
    form = _close_form()
    if not form.validate_on_submit():
        return _page(RulesForm(data=RulesForm.data_of(current_points_rules())), form)
    key = form.period.data
    attempt(
        lambda: close_period(key, current_user),
        _("Tiers of %(period)s fixed; their extra points are in the ledger.", period=key),
    )
    return redirect(url_for("admin.rules_show"))


@bp.post("/rules")
@admin_required
def rules_save():
    """Store a new version of the points rules."""
    form = RulesForm()
    if not form.validate_on_submit():
        return _page(form)
    # A mapping, so that the service turns a broken rule into a refusal (InvalidRules).
    rules = {
        "per_star": form.per_star,
        "surprise_bonus": form.surprise_bonus.data,
        "tiers": form.tiers,
        "surprise_cap": form.surprise_cap.data,
        "surprise_standard": form.surprise_standard,
    }
    if not attempt(
        lambda: save_points_rules(rules, current_user),
        _("Points rules saved; they apply to ratings verified from now on."),
        form=form,
        field="star1",
    ):
        return _page(form)
    return redirect(url_for("admin.rules_show"))
