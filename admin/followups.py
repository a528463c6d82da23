"""Follow-ups (回访) of low ratings, for the branch manager."""

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import get_visible_or_404, staff_required, visible_branch_ids
from admin.forms import FollowUpFilterForm, FollowUpForm
from admin.pages import form_page, paged
from core.actions import attempt
from core.models import FollowUpState, FollowUpTask, utcnow
from core.services.ratings.followups import is_overdue, task_list, update_task
from core.services.settings import dimension_labels

PER_PAGE = 50


@bp.get("/followups")
@staff_required
def followup_list():
    """Follow-up tasks of the user's branches, by state, overdue ones flagged."""
    form = FollowUpFilterForm(request.args)
    valid = form.validate()
    query = task_list(
        visible_branch_ids(),
        state=form.state.data if valid else "",
        overdue_only=valid and form.overdue.data,
    )
    return form_page(
        "admin/followups/list.html",
        form,
        now=utcnow(),
        is_overdue=is_overdue,
        **paged(query, PER_PAGE),
    )


@bp.route("/followups/<int:task_id>", methods=["GET", "POST"])
@staff_required
def followup_detail(task_id: int):
    """One follow-up task: the low rating, and its note and state to update."""
    task = get_visible_or_404(FollowUpTask, task_id)
    form = FollowUpForm(obj=task, state=task.state.value)
    if form.validate_on_submit() and attempt(
        lambda: update_task(
            task, current_user, form.note.data or "", FollowUpState(form.state.data)
        ),
        _("Follow-up saved."),
        form=form,
        field="state",
    ):
        return redirect(url_for("admin.followup_detail", task_id=task_id))
    return form_page(
        "admin/followups/detail.html",
        form,
        task=task,
        overdue=is_overdue(task),
        dims=dimension_labels(),
    )
