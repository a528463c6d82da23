"""Employees: list, create, edit, deactivate, CSV import and export."""

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import false, func, or_, select

from admin import bp
from admin.access import (
    admin_required,
    branch_filter,
    get_visible_or_404,
    staff_required,
    visible_branch_ids,
)
from admin.forms import (
    EmployeeFilterForm,
    EmployeeForm,
    EmptyForm,
    ImportForm,
    PhotoForm,
    SendLinkForm,
)
from admin.pages import form_page, paged
from core.actions import attempt
from core.extensions import db
from core.forms import to_choices
from core.i18n import locale_choices
from core.models import Branch, Employee
from core.services.csv_safe import safe_csv
from core.services.people.branches import branch_choices
from core.services.people.cards import card_url, readable_card_url
from core.services.people.employee_identities import contact_choices
from core.services.people.employee_profile import employee_locale, update_employee
from core.services.people.employees import (
    CONTACT_COLUMNS,
    CSV_COLUMNS,
    add_employee,
    decode_csv,
    import_employees_csv,
    set_employee_active,
)

PER_PAGE = 50


def employees_query(form: EmployeeFilterForm):
    """Employees of the visible branches matching the filter, by branch then name."""
    query = (
        select(Employee)
        .join(Branch, Employee.branch_id == Branch.id)
        .where(branch_filter(Employee.branch_id))
        .order_by(Branch.name, Employee.display_name, Employee.id)
    )
    if form.branch.data:
        query = query.where(Employee.branch_id == form.branch.data)
    if form.q.data:
        term = f"%{form.q.data.strip().lower()}%"
        query = query.where(
            or_(func.lower(Employee.display_name).like(term), Employee.staff_no.like(term))
        )
    if not form.inactive.data:
        query = query.where(Employee.active.is_(True))
    return query


def _filter_form() -> EmployeeFilterForm:
    """The list filter from the query string, offering the user's branches."""
    form = EmployeeFilterForm(request.args)
    form.branch.choices = to_choices([(0, _("All")), *branch_choices(visible_branch_ids(), True)])
    return form


@bp.get("/employees")
@staff_required
def employee_list():
    """Employees of the user's branches, filtered and paged."""
    form = _filter_form()
    query = employees_query(form) if form.validate() else select(Employee).where(false())
    return form_page("admin/employees/list.html", form, **paged(query, PER_PAGE))


@bp.get("/employees/export.csv")
@staff_required
def employee_export():
    """The filtered employee list as CSV, with each card's address."""
    form = _filter_form()
    query = employees_query(form) if form.validate() else select(Employee).where(false())
    rows = (
        (e.branch.name, e.display_name, e.title, e.staff_no or "", card_url(e), e.active)
        for e in db.session.scalars(query)
    )
    return Response(
        safe_csv((*CSV_COLUMNS, "card_url", "active"), rows),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=employees.csv"},
    )


def _offer_locales(form: EmployeeForm) -> None:
    """The employee's language choices; the site default until one is stored."""
    form.locale.choices = locale_choices()
    if not form.is_submitted() and not form.locale.data:
        form.locale.data = current_app.config["BABEL_DEFAULT_LOCALE"]


@bp.route("/employees/new", methods=["GET", "POST"])
@staff_required
def employee_new():
    """Add an employee to one of the user's branches; a card token comes with them."""
    form = EmployeeForm()
    form.branch_id.choices = to_choices(branch_choices(visible_branch_ids()))
    _offer_locales(form)
    if form.validate_on_submit():
        added = attempt(
            lambda: add_employee(
                form.branch_id.data,
                form.display_name.data,
                form.title.data or "",
                form.staff_no.data or "",
                actor=current_user,
                emails=form.emails.data or "",
                phones=form.phones.data or "",
                locale=form.locale.data,
            ),
            lambda employee: _("Employee %(name)s added.", name=employee.display_name),
            form=form,
            field="display_name",
        )
        if added:
            return redirect(url_for("admin.employee_detail", employee_id=added.value.id))
    return form_page("admin/employees/form.html", form, employee=None)


@bp.get("/employees/<int:employee_id>")
@staff_required
def employee_detail(employee_id: int):
    """An employee's page: card, photo, private link."""
    return detail_page(get_visible_or_404(Employee, employee_id))


def detail_page(employee: Employee, photo_form=None, link_form=None, status: int = 200):
    """The employee's page, with the forms as submitted when one of them had errors."""
    return render_template(
        "admin/employees/detail.html",
        employee=employee,
        card_url=readable_card_url(employee),
        contacts=[hint for _hash, hint in contact_choices(employee)],
        button=EmptyForm(),
        photo_form=photo_form or PhotoForm(),
        link_form=link_form or SendLinkForm(),
        mail_language=dict(locale_choices()).get(employee_locale(employee)),
    ), status


@bp.route("/employees/<int:employee_id>/edit", methods=["GET", "POST"])
@staff_required
def employee_edit(employee_id: int):
    """Change an employee's branch, name, title or staff number."""
    employee = get_visible_or_404(Employee, employee_id)
    form = EmployeeForm(obj=employee, emails=None, phones=None)
    form.branch_id.choices = to_choices(branch_choices(visible_branch_ids(), True))
    form.remove_contacts.choices = to_choices(contact_choices(employee))
    _offer_locales(form)
    if form.validate_on_submit() and attempt(
        lambda: update_employee(
            employee,
            form.branch_id.data,
            form.display_name.data,
            form.title.data or "",
            form.staff_no.data or "",
            current_user,
            emails=form.emails.data or "",
            phones=form.phones.data or "",
            remove=form.remove_contacts.data or (),
            locale=form.locale.data,
        ),
        _("Employee saved."),
        form=form,
        field="display_name",
    ):
        return redirect(url_for("admin.employee_detail", employee_id=employee_id))
    return form_page("admin/employees/form.html", form, employee=employee)


@bp.post("/employees/<int:employee_id>/active")
@staff_required
def employee_toggle_active(employee_id: int):
    """Switch an employee between active and inactive."""
    employee = get_visible_or_404(Employee, employee_id)
    set_employee_active(employee, not employee.active, current_user)
    flash(_("Employee activated.") if employee.active else _("Employee deactivated."), "success")
    return redirect(url_for("admin.employee_detail", employee_id=employee_id))


@bp.route("/employees/import", methods=["GET", "POST"])
@admin_required
def employee_import():
    """Add employees from a CSV file: all rows or, when any row is wrong, none."""
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        imported = attempt(
            lambda: import_employees_csv(
                decode_csv(form.file.data.read()),
                create_branches=form.create_branches.data,
                actor=current_user,
            ),
            None,
            form=form,
            field="file",
        )
        if imported and imported.value.ok:
            flash(_("%(n)d employees imported.", n=len(imported.value.employees)), "success")
            return redirect(url_for("admin.employee_list"))
        problems = imported.value.problems if imported else []
    return form_page(
        "admin/employees/import.html",
        form,
        failed=bool(problems),
        problems=problems,
        columns=CSV_COLUMNS,
        contact_columns=CONTACT_COLUMNS,
    )
