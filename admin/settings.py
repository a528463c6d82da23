"""The site settings: rating dimensions, verification, period kind, follow-up deadlines."""

from flask import redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import admin_required
from admin.pages import form_page
from admin.settings_forms import METHOD_LABELS, SettingsForm
from core.actions import attempt
from core.labels import period_kind_label
from core.services.settings import change_settings, current_settings, scheduled_settings


def _page(form: SettingsForm):
    """What is in force now, any scheduled change, and the form."""
    return form_page(
        "admin/settings/show.html",
        form,
        now=current_settings(),
        scheduled=scheduled_settings(),
        methods=METHOD_LABELS,
        kind_label=period_kind_label,
    )


@bp.get("/settings")
@admin_required
def settings_show():
    """The settings in force, the form filled with them."""
    return _page(SettingsForm(data=SettingsForm.data_of(current_settings())))


@bp.post("/settings")
@admin_required
def settings_save():
    """Store a new version of the settings, in force from the moment typed (or now)."""
    form = SettingsForm()
    if not form.validate_on_submit():
        return _page(form)
    if not attempt(
        lambda: change_settings(form.settings(), form.starts(), current_user),
        _("Settings saved; they apply from the moment stated, never to past ratings."),
        form=form,
        field="starts_at",
    ):
        return _page(form)
    return redirect(url_for("admin.settings_show"))
