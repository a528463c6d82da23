"""Employees: list, create, edit, deactivate, CSV import and export."""

from flask import Response, flash, redirect, render_template, request, url_for
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
    to_choices,
)
from core.extensions import db
from core.models import Branch, Employee
from core.services import DomainError
from core.services.csv_safe import safe_csv
from core.services.people.branches import branch_choices
from core.services.people.cards import card_url
from core.services.people.employee_profile import update_employee
from core.services.people.employees import (
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
    form = EmployeeFilterForm(request.args)
    form.branch.choices = to_choices([(0, _("All")), *branch_choices(visible_branch_ids(), True)])
    return form


@bp.get("/employees")
@staff_required
def employee_list():
    form = _filter_form()
    valid = form.validate()
    query = employees_query(form) if valid else select(Employee).where(false())
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("admin/employees/list.html", form=form, page=page, args=args), (
        200 if valid else 400
    )


@bp.get("/employees/export.csv")
@staff_required
def employee_export():
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


@bp.route("/employees/new", methods=["GET", "POST"])
@staff_required
def employee_new():
    form = EmployeeForm()
    form.branch_id.choices = to_choices(branch_choices(visible_branch_ids()))
    if form.validate_on_submit():
        try:
            employee = add_employee(
                form.branch_id.data, form.display_name.data, form.title.data or "",
                form.staff_no.data or "", actor=current_user,
            )  # fmt: skip
        except DomainError as error:
            form.display_name.errors.append(str(error))
        else:
            flash(_("Employee %(name)s added.", name=employee.display_name), "success")
            return redirect(url_for("admin.employee_detail", employee_id=employee.id))
    return _form_page(form, None)


@bp.get("/employees/<int:employee_id>")
@staff_required
def employee_detail(employee_id: int):
    return detail_page(get_visible_or_404(Employee, employee_id))


def detail_page(employee: Employee, photo_form=None, link_form=None, status: int = 200):
    """The employee's page, with the forms as submitted when one of them had errors."""
    return render_template(
        "admin/employees/detail.html",
        employee=employee,
        card_url=card_url(employee),
        button=EmptyForm(),
        photo_form=photo_form or PhotoForm(),
        link_form=link_form or SendLinkForm(),
    ), status


@bp.route("/employees/<int:employee_id>/edit", methods=["GET", "POST"])
@staff_required
def employee_edit(employee_id: int):
    employee = get_visible_or_404(Employee, employee_id)
    form = EmployeeForm(obj=employee)
    form.branch_id.choices = to_choices(branch_choices(visible_branch_ids(), True))
    if form.validate_on_submit():
        try:
            update_employee(
                employee, form.branch_id.data, form.display_name.data, form.title.data or "",
                form.staff_no.data or "", current_user,
            )  # fmt: skip
        except DomainError as error:
            form.display_name.errors.append(str(error))
        else:
            flash(_("Employee saved."), "success")
            return redirect(url_for("admin.employee_detail", employee_id=employee_id))
    return _form_page(form, employee)


@bp.post("/employees/<int:employee_id>/active")
@staff_required
def employee_toggle_active(employee_id: int):
    employee = get_visible_or_404(Employee, employee_id)
    set_employee_active(employee, not employee.active, current_user)
    flash(_("Employee activated.") if employee.active else _("Employee deactivated."), "success")
    return redirect(url_for("admin.employee_detail", employee_id=employee_id))


@bp.route("/employees/import", methods=["GET", "POST"])
@admin_required
def employee_import():
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            report = import_employees_csv(
                decode_csv(form.file.data.read()), create_branches=form.create_branches.data,
                actor=current_user,
            )  # fmt: skip
        except DomainError as error:
            form.file.errors.append(str(error))
        else:
            if report.ok:
                flash(_("%(n)d employees imported.", n=len(report.employees)), "success")
                return redirect(url_for("admin.employee_list"))
            problems = report.problems
    status = 400 if form.errors or problems else 200
    return render_template(
        "admin/employees/import.html", form=form, problems=problems, columns=CSV_COLUMNS
    ), status


def _form_page(form, employee):
    status = 400 if form.errors else 200
    return render_template("admin/employees/form.html", form=form, employee=employee), status
