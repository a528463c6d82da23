"""Accounts of the admin area: admins create managers and judges, assign branches, disable."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin import bp
from admin.access import admin_required
from admin.forms import EmptyForm, UserEditForm, UserForm, to_choices
from core.extensions import db
from core.models import Role, User
from core.services import DomainError
from core.services.people.accounts import (
    create_account,
    set_account_active,
    update_account,
)
from core.services.people.branches import branch_choices


@bp.get("/users")
@admin_required
def user_list():
    users = db.session.scalars(select(User).order_by(User.active.desc(), User.email))
    return render_template("admin/users/list.html", users=list(users), button=EmptyForm())


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    form = UserForm()
    form.branch_ids.choices = to_choices(branch_choices(None))
    if form.validate_on_submit():
        try:
            user = create_account(
                form.email.data,
                form.password.data,
                Role(form.role.data),
                name=form.name.data or "",
                branch_ids=form.branch_ids.data,
                actor=current_user,
            )
        except DomainError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("Account %(email)s created.", email=user.email), "success")
            return redirect(url_for("admin.user_list"))
    return _form_page(form, None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user, role=user.role.value, branch_ids=[b.id for b in user.branches])
    form.branch_ids.choices = to_choices(branch_choices(None, include_inactive=True))
    if form.validate_on_submit():
        try:
            update_account(
                user,
                form.name.data or "",
                Role(form.role.data),
                form.branch_ids.data,
                current_user,
                password=form.password.data or "",
            )
        except DomainError as error:
            form.role.errors.append(str(error))
        else:
            flash(_("Account saved."), "success")
            return redirect(url_for("admin.user_list"))
    return _form_page(form, user)


@bp.post("/users/<int:user_id>/active")
@admin_required
def user_toggle_active(user_id: int):
    user = db.get_or_404(User, user_id)
    try:
        set_account_active(user, not user.active, current_user)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("Account enabled.") if user.active else _("Account disabled."), "success")
    return redirect(url_for("admin.user_list"))


def _form_page(form, user):
    status = 400 if form.errors else 200
    return render_template("admin/users/form.html", form=form, user=user), status
