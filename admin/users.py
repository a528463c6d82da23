"""Accounts of the admin area: admins create managers and judges, assign branches, disable."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin import bp
from admin.access import admin_required
from admin.forms import EmptyForm, UserEditForm, UserForm
from admin.pages import form_page
from core.actions import attempt
from core.extensions import db
from core.forms import to_choices
from core.models import Role, User
from core.services.people.accounts import (
    create_account,
    set_account_active,
    update_account,
)
from core.services.people.branches import branch_choices


@bp.get("/users")
@admin_required
def user_list():
    """All accounts, the active ones first."""
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.email))
    return render_template("admin/users/list.html", users=list(users), button=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    """Create an account with a role and, for a manager, the branches they run."""
    form = UserForm()
    form.branch_ids.choices = to_choices(branch_choices(None))
    if form.validate_on_submit() and attempt(
        lambda: create_account(
            form.email.data,
            form.password.data,
            Role(form.role.data),
            name=form.name.data or "",
            branch_ids=form.branch_ids.data,
            actor=current_user,
        ),
        lambda user: _("Account %(email)s created.", email=user.email),
        form=form,
        field="email",
    ):
        return redirect(url_for("admin.user_list"))
    return form_page("admin/users/form.html", form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    """Change an account's name, role, branches or password."""
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user, role=user.role.value, branch_ids=[b.id for b in user.branches])
    form.branch_ids.choices = to_choices(branch_choices(None, include_inactive=True))
    if form.validate_on_submit() and attempt(
        lambda: update_account(
            user,
            form.name.data or "",
            Role(form.role.data),
            form.branch_ids.data,
            current_user,
            password=form.password.data or "",
        ),
        _("Account saved."),
        form=form,
        field="role",
    ):
        return redirect(url_for("admin.user_list"))
    return form_page("admin/users/form.html", form, user=user)


@bp.post("/users/<int:user_id>/active")
@admin_required
def user_toggle_active(user_id: int):
    """Enable or disable an account; disabling ends its sessions."""
    user = db.get_or_404(User, user_id)
    attempt(
        lambda: set_account_active(user, not user.active, current_user),
        lambda account: _("Account enabled.") if account.active else _("Account disabled."),
    )
    return redirect(url_for("admin.user_list"))
