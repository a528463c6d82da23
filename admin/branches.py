"""Branches: list, create, edit, deactivate (admins only)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from admin import bp
from admin.access import admin_required, get_visible_or_404
from admin.forms import BranchForm, EmptyForm
from admin.pages import form_page
from core.actions import attempt
from core.extensions import db
from core.models import Branch
from core.services.people.branches import create_branch, set_branch_active, update_branch
from core.services.people.cards import qr_svg
from core.services.people.noticeboards import issue_noticeboard_link, revoke_noticeboard_link


@bp.get("/branches")
@admin_required
def branch_list():
    """All branches, the active ones first."""
    branches = db.session.scalars(select(Branch).order_by(Branch.active.desc(), Branch.name))
    return render_template("admin/branches/list.html", branches=list(branches), button=EmptyForm())


@bp.route("/branches/new", methods=["GET", "POST"])
@admin_required
def branch_new():
    """Open a new branch."""
    form = BranchForm()
    if form.validate_on_submit() and attempt(
        lambda: create_branch(form.name.data, form.address.data or "", current_user),
        lambda branch: _("Branch %(name)s created.", name=branch.name),
        form=form,
        field="name",
    ):
        return redirect(url_for("admin.branch_list"))
    return form_page("admin/branches/form.html", form, branch=None)


@bp.route("/branches/<int:branch_id>/edit", methods=["GET", "POST"])
@admin_required
def branch_edit(branch_id: int):
    """Rename a branch or change its address."""
    branch = get_visible_or_404(Branch, branch_id, branch_of=lambda b: b.id)
    form = BranchForm(obj=branch)
    if form.validate_on_submit() and attempt(
        lambda: update_branch(branch, form.name.data, form.address.data or "", current_user),
        _("Branch saved."),
        form=form,
        field="name",
    ):
        return redirect(url_for("admin.branch_list"))
    return form_page("admin/branches/form.html", form, branch=branch, button=EmptyForm())


@bp.post("/branches/<int:branch_id>/noticeboard")
@admin_required
def branch_noticeboard(branch_id: int):
    """A new link to the branch's staff noticeboard (the old one stops working); shown once."""
    branch = get_visible_or_404(Branch, branch_id, branch_of=lambda b: b.id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.branch_edit", branch_id=branch_id))
    link = issue_noticeboard_link(branch, current_user)
    # Shown in this response only: just its hash is stored.
    return render_template(
        "admin/branches/noticeboard.html",
        branch=branch,
        link=link,
        qr=Markup(qr_svg(link)),  # noqa: S704 - generated SVG of our own URL
    )


@bp.post("/branches/<int:branch_id>/noticeboard/revoke")
@admin_required
def branch_noticeboard_revoke(branch_id: int):
    """Make the branch's noticeboard link stop working."""
    branch = get_visible_or_404(Branch, branch_id, branch_of=lambda b: b.id)
    if EmptyForm().validate_on_submit():
        revoke_noticeboard_link(branch, current_user)
        flash(_("The noticeboard link no longer works."), "success")
    return redirect(url_for("admin.branch_edit", branch_id=branch_id))


@bp.post("/branches/<int:branch_id>/active")
@admin_required
def branch_toggle_active(branch_id: int):
    """Switch a branch between active and inactive."""
    branch = get_visible_or_404(Branch, branch_id, branch_of=lambda b: b.id)
    set_branch_active(branch, not branch.active, current_user)
    flash(_("Branch activated.") if branch.active else _("Branch deactivated."), "success")
    return redirect(url_for("admin.branch_list"))
