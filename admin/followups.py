"""Follow-ups (回访) of low ratings, for the branch manager."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import get_visible_or_404, staff_required, visible_branch_ids
from admin.forms import FollowUpFilterForm, FollowUpForm
from core.extensions import db
from core.models import FollowUpState, FollowUpTask, utcnow
from core.services import DomainError
from core.services.ratings.dashboard import dimension_labels
from core.services.ratings.followups import is_overdue, task_list, update_task

PER_PAGE = 50


@bp.get("/followups")
@staff_required
def followup_list():
    form = FollowUpFilterForm(request.args)
    valid = form.validate()
    query = task_list(
        visible_branch_ids(),
        state=form.state.data if valid else "",
        overdue_only=valid and form.overdue.data,
    )
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "admin/followups/list.html",
        form=form,
        page=page,
        args=args,
        now=utcnow(),
        is_overdue=is_overdue,
    ), (200 if valid else 400)


@bp.route("/followups/<int:task_id>", methods=["GET", "POST"])
@staff_required
def followup_detail(task_id: int):
    task = get_visible_or_404(FollowUpTask, task_id)
    form = FollowUpForm(obj=task, state=task.state.value)
    if form.validate_on_submit():
        try:
            update_task(task, current_user, form.note.data or "", FollowUpState(form.state.data))
        except DomainError as error:
            form.state.errors.append(str(error))
        else:
            flash(_("Follow-up saved."), "success")
            return redirect(url_for("admin.followup_detail", task_id=task_id))
    return render_template(
        "admin/followups/detail.html",
        task=task,
        form=form,
        overdue=is_overdue(task),
        dims=dimension_labels(),
    ), (400 if form.errors else 200)
