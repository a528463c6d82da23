"""A printable batch of receipt codes for one of the user's branches, shown once."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import require_branch, staff_required, visible_branch_ids
from admin.forms import ReceiptBatchForm
from admin.pages import form_page
from core.actions import attempt
from core.forms import to_choices
from core.services.people.branches import branch_choices, employee_choices
from core.services.ratings.receipt_codes import MAX_BATCH
from core.services.ratings.receipt_sheets import chosen_employee, mint_receipt_sheet


def _batch_form() -> ReceiptBatchForm:
    form = ReceiptBatchForm()
    visible = visible_branch_ids()
    form.branch_id.choices = to_choices(branch_choices(visible))
    employees = employee_choices(visible, active_only=True)
    form.employee_id.choices = to_choices([(0, _("Anyone at the branch")), *employees])
    return form


def _form_page(form: ReceiptBatchForm, failed: bool = False):
    return form_page("admin/receipt_codes/form.html", form, failed, max_batch=MAX_BATCH)


@bp.route("/receipt-codes", methods=["GET", "POST"])
@staff_required
def receipt_codes_print():
    """Mint codes and answer with their printable sheet: the only time they are shown
    (just their hashes are stored; admin pages are never cached)."""
    if request.method == "POST":
        # Another branch's manager gets the same 404 as for its records.
        require_branch(request.form.get("branch_id", type=int))
    form = _batch_form()
    if not form.validate_on_submit():
        return _form_page(form)
    branch_id = form.branch_id.data
    picked = attempt(
        lambda: chosen_employee(branch_id, form.employee_id.data, form.staff_no.data or ""),
        None,
        form=form,
        field="employee_id",
    )
    minted = picked and attempt(
        lambda: mint_receipt_sheet(
            form.count.data, branch_id, picked.value, form.days.data, current_user
        ),
        None,
        form=form,
        field="count",
    )
    if not minted:
        return _form_page(form, failed=True)
    return render_template("admin/receipt_codes/sheet.html", sheet=minted.value)
