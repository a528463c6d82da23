"""After a campaign: the printable review, the lessons learned, candidates' improvement plans."""

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import admin_required, require_branch, roles_required, visible_branch_ids
from admin.campaign_forms import ImprovementActionForm, LessonsForm
from admin.campaigns import campaign_or_404, campaign_row_or_404
from admin.forms import EmptyForm
from admin.pages import form_page
from core.actions import attempt
from core.extensions import db
from core.forms import to_choices
from core.labels import SOURCE_LABELS, criterion_label
from core.models import Employee, ImprovementAction, Role
from core.services.campaign.improvement import (
    assign_action,
    candidates_of,
    improvement_plan,
    mark_action_done,
)
from core.services.campaign.retrospective import campaign_review, save_lessons

manager_required = roles_required(Role.MANAGER, Role.ADMIN)


@bp.get("/campaigns/<int:campaign_id>/retrospective")
@admin_required
def campaign_retrospective(campaign_id: int):
    """The campaign's review afterwards, printable on A4."""
    campaign = campaign_or_404(campaign_id)
    review = campaign_review(campaign)
    form = LessonsForm(text=review.lessons)
    return render_template(
        "admin/campaigns/retrospective.html", review=review, form=form, source_labels=SOURCE_LABELS
    )


@bp.post("/campaigns/<int:campaign_id>/retrospective/lessons")
@admin_required
def campaign_lessons(campaign_id: int):
    """Save the lessons learned; the review again with the text kept when refused."""
    campaign = campaign_or_404(campaign_id)
    form = LessonsForm()
    if form.validate_on_submit() and attempt(
        lambda: save_lessons(campaign, form.text.data, current_user),
        _("Lessons learned saved."),
        form=form,
    ):
        return redirect(url_for("admin.campaign_retrospective", campaign_id=campaign.id))
    return form_page(
        "admin/campaigns/retrospective.html",
        form,
        True,
        review=campaign_review(campaign),
        source_labels=SOURCE_LABELS,
    )


@bp.get("/campaigns/<int:campaign_id>/improvement")
@manager_required
def campaign_improvement(campaign_id: int):
    """The candidates of the user's branches with their weakest criteria and open actions."""
    campaign = campaign_or_404(campaign_id)
    plans = [improvement_plan(campaign, c) for c in candidates_of(campaign, visible_branch_ids())]
    return render_template("admin/campaigns/improvement_list.html", campaign=campaign, plans=plans)


def _candidate_or_404(employee_id: int) -> Employee:
    employee = db.get_or_404(Employee, employee_id)
    require_branch(employee.branch_id)
    return employee


@bp.route("/campaigns/<int:campaign_id>/improvement/<int:employee_id>", methods=["GET", "POST"])
@manager_required
def candidate_improvement(campaign_id: int, employee_id: int):
    """One candidate's improvement plan; a manager assigns a training action."""
    campaign = campaign_or_404(campaign_id)
    employee = _candidate_or_404(employee_id)
    plan = improvement_plan(campaign, employee)
    form = ImprovementActionForm()
    form.criterion.choices = to_choices(
        (key, criterion_label(key)) for key, _score in plan.weakest
    ) + to_choices(
        (key, criterion_label(key))
        for key in sorted(plan.criteria)
        if key not in dict(plan.weakest)
    )
    if form.validate_on_submit() and attempt(
        lambda: assign_action(
            campaign, employee, form.criterion.data, form.action.data, form.due_on.data,
            current_user,
        ),
        _("Training action assigned."),
        form=form,
    ):  # fmt: skip
        return redirect(url_for(".candidate_improvement", campaign_id=campaign.id,
                                employee_id=employee.id))  # fmt: skip
    return form_page(
        "admin/campaigns/improvement.html",
        form,
        campaign=campaign,
        plan=plan,
        done_form=EmptyForm(),
    )


@bp.post("/campaigns/<int:campaign_id>/improvement/actions/<int:action_id>/done")
@manager_required
def improvement_action_done(campaign_id: int, action_id: int):
    """Mark a training action done (again: nothing changes)."""
    campaign = campaign_or_404(campaign_id)
    row = campaign_row_or_404(ImprovementAction, action_id, campaign)
    require_branch(row.employee.branch_id)
    if EmptyForm().validate_on_submit():
        attempt(lambda: mark_action_done(row.id, current_user), _("Marked done."))
    return redirect(
        url_for(".candidate_improvement", campaign_id=campaign.id, employee_id=row.employee_id)
    )
