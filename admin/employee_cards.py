"""An employee's card, photo and private link; the card sheet of a branch."""

from flask import abort, flash, redirect, render_template, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from admin import bp
from admin.access import get_visible_or_404, staff_required
from admin.cards_print import render_card_sheet
from admin.employees import detail_page
from admin.forms import PhotoForm, SendLinkForm
from core.actions import attempt
from core.extensions import db
from core.models import Branch, Employee
from core.services.people.cards import qr_svg
from core.services.people.employee_profile import (
    LinkNotMailed,
    send_private_link,
    set_employee_photo,
)
from core.services.people.employees import issue_private_link, rotate_card_token
from core.services.people.photos import photos_dir


@bp.post("/employees/<int:employee_id>/photo")
@staff_required
def employee_photo_upload(employee_id: int):
    """Replace the employee's photo with an uploaded image."""
    employee = get_visible_or_404(Employee, employee_id)
    form = PhotoForm()
    if form.validate_on_submit() and attempt(
        lambda: set_employee_photo(employee, form.photo.data.read(), current_user),
        _("Photo saved."),
        form=form,
        field="photo",
    ):
        return redirect(url_for("admin.employee_detail", employee_id=employee_id))
    return detail_page(employee, photo_form=form, status=400)


@bp.get("/employees/<int:employee_id>/photo.jpg")
@staff_required
def employee_photo(employee_id: int):
    """The employee's stored photo (404 when there is none)."""
    employee = get_visible_or_404(Employee, employee_id)
    if not employee.photo:
        abort(404)
    return send_from_directory(photos_dir(), employee.photo, mimetype="image/jpeg")


@bp.post("/employees/<int:employee_id>/card/rotate")
@staff_required
def employee_rotate_card(employee_id: int):
    """Issue a new card token; the old card stops working."""
    employee = get_visible_or_404(Employee, employee_id)
    rotate_card_token(employee, current_user)
    flash(_("New card issued: the old card no longer works. Print the new one."), "success")
    return redirect(url_for("admin.employee_detail", employee_id=employee_id))


@bp.get("/employees/<int:employee_id>/card")
@staff_required
def employee_card(employee_id: int):
    """The employee's card, ready to print."""
    employee = get_visible_or_404(Employee, employee_id)
    return render_card_sheet([employee], title=employee.display_name)


@bp.get("/branches/<int:branch_id>/cards")
@staff_required
def branch_cards(branch_id: int):
    """A print sheet of the cards of a branch's active employees."""
    branch = get_visible_or_404(Branch, branch_id, branch_of=lambda b: b.id)
    employees = db.session.scalars(
        select(Employee)
        .where(Employee.branch_id == branch.id, Employee.active.is_(True))
        .order_by(Employee.display_name)
    )
    return render_card_sheet(list(employees), title=branch.name)


@bp.post("/employees/<int:employee_id>/private-link")
@staff_required
def employee_private_link(employee_id: int):
    """Issue a new link to the employee's own page (the old one stops working); shown once."""
    employee = get_visible_or_404(Employee, employee_id)
    return _link_page(employee, issue_private_link(employee, current_user))


def _link_page(employee: Employee, link: str):
    """A new private link and its QR, to hand over. Shown in this response only: just
    its hash is stored, and it is never flashed."""
    return render_template(
        "admin/employees/private_link.html",
        employee=employee,
        link=link,
        qr=Markup(qr_svg(link)),  # noqa: S704 - generated SVG of our own URL
    )


@bp.post("/employees/<int:employee_id>/private-link/send")
@staff_required
def employee_send_link(employee_id: int):
    """Mail a new private link (the old one stops working) to the address typed in."""
    employee = get_visible_or_404(Employee, employee_id)
    form = SendLinkForm()
    if not form.validate_on_submit():
        return detail_page(employee, link_form=form, status=400)
    try:
        send_private_link(employee, form.email.data, current_user)
    except LinkNotMailed as failure:
        flash(str(failure), "error")
        return _link_page(employee, failure.link)
    flash(_("A new private link is on its way to %(email)s.", email=form.email.data), "success")
    return redirect(url_for("admin.employee_detail", employee_id=employee_id))
