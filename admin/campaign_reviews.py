"""Supervisors in a campaign round: score their branch's candidates, review self-evaluations.

An admin stands in as supervisor for branches without a manager, and waives a source a
candidate lacks (with a reason) so the round can close without a silent zero.
"""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin import bp
from admin.access import admin_required, require_branch, roles_required
from admin.campaign_forms import (
    SelfReviewForm,
    SupervisorEvaluationForm,
    WaiveSourceForm,
)
from admin.campaigns import campaign_or_404, campaign_row_or_404
from admin.pages import form_page
from core.actions import attempt
from core.extensions import db
from core.forms import scores_of, to_choices
from core.labels import SOURCE_LABELS, label
from core.models import Campaign, Employee, Role, SelfEvaluation, SupervisorEvaluation
from core.services import DomainError
from core.services.campaign.evaluations import (
    open_round,
    review_self_evaluation,
    save_supervisor_evaluation,
    self_evaluation_of,
    supervises,
)
from core.services.campaign.rounds import registration_of, round_candidates
from core.services.campaign.waivers import waivable_sources, waive_source

manager_required = roles_required(Role.MANAGER, Role.ADMIN)
SUPERVISOR_CRITERIA = ("attitude", "quality", "efficiency")


def _open_round_or_404(campaign):
    """The campaign's open evaluated round, or 404 when none is open."""
    try:
        return open_round(campaign)
    except DomainError:
        abort(404)


@bp.get("/campaigns/<int:campaign_id>/evaluations")
@manager_required
def campaign_evaluations(campaign_id: int):
    """The open round's candidates of this supervisor's branches, with their evaluations."""
    campaign = campaign_or_404(campaign_id)
    round_ = _open_round_or_404(campaign)
    candidates = [c for c in round_candidates(campaign, round_) if supervises(current_user, c)]
    evaluations = {
        e.candidate_id: e
        for e in db.session.scalars(
            select(SupervisorEvaluation).filter_by(
                campaign_id=campaign.id, round=round_, manager_id=current_user.id
            )
        )
    }
    selves = {c.id: self_evaluation_of(campaign, round_, c) for c in candidates}
    return render_template(
        "admin/campaigns/evaluations.html",
        campaign=campaign,
        round_label=label(round_),
        candidates=candidates,
        evaluations=evaluations,
        selves=selves,
    )


@bp.route("/campaigns/<int:campaign_id>/evaluate/<int:employee_id>", methods=["GET", "POST"])
@manager_required
def campaign_evaluate(campaign_id: int, employee_id: int):
    """The supervisor scores one candidate of the open round (revisable until it closes)."""
    campaign = campaign_or_404(campaign_id)
    round_ = _open_round_or_404(campaign)
    candidate = db.get_or_404(Employee, employee_id)
    require_branch(candidate.branch_id)
    existing = db.session.scalar(
        select(SupervisorEvaluation).filter_by(
            campaign_id=campaign.id,
            round=round_,
            candidate_id=candidate.id,
            manager_id=current_user.id,
        )
    )
    form = SupervisorEvaluationForm(obj=existing)
    saved = form.validate_on_submit() and attempt(
        lambda: save_supervisor_evaluation(
            campaign,
            candidate,
            current_user,
            scores_of(form, SUPERVISOR_CRITERIA),
            form.comment.data,
        ),
        _("Evaluation saved; you can revise it until the round closes."),
        form=form,
    )
    return _evaluations_or_form(
        saved,
        "admin/campaigns/evaluate.html",
        form,
        campaign=campaign,
        candidate=candidate,
        registration=registration_of(campaign, candidate),
    )


@bp.route(
    "/campaigns/<int:campaign_id>/self-evaluations/<int:evaluation_id>", methods=["GET", "POST"]
)
@manager_required
def campaign_self_review(campaign_id: int, evaluation_id: int):
    """The supervisor accepts a self-evaluation, or returns it with a comment."""
    campaign = campaign_or_404(campaign_id)
    evaluation = campaign_row_or_404(SelfEvaluation, evaluation_id, campaign)
    require_branch(evaluation.employee.branch_id)
    form = SelfReviewForm()
    reviewed = form.validate_on_submit() and attempt(
        lambda: review_self_evaluation(
            evaluation, current_user, form.decision.data == "accept", form.comment.data
        ),
        _("Self-evaluation reviewed."),
        form=form,
    )
    return _evaluations_or_form(
        reviewed,
        "admin/campaigns/self_review.html",
        form,
        campaign=campaign,
        evaluation=evaluation,
    )


def _evaluations_or_form(done, template: str, form, campaign, **context):
    """Back to the round's evaluations when `done`; else the form again (400 after a POST)."""
    if done:
        return redirect(url_for("admin.campaign_evaluations", campaign_id=campaign.id))
    return form_page(template, form, failed=form.is_submitted(), campaign=campaign, **context)


@bp.route("/campaigns/<int:campaign_id>/waive/<int:employee_id>", methods=["GET", "POST"])
@admin_required
def campaign_waive(campaign_id: int, employee_id: int):
    """Waive a source the candidate lacks in the open round, with a written reason."""
    campaign = db.get_or_404(Campaign, campaign_id)
    candidate = db.get_or_404(Employee, employee_id)
    form = WaiveSourceForm()
    form.source.choices = to_choices(
        (s, SOURCE_LABELS[s]) for s in waivable_sources(campaign, candidate)
    )
    if form.validate_on_submit() and attempt(
        lambda: waive_source(campaign, candidate, form.source.data, form.reason.data, current_user),
        _("Source waived; the candidate's other weights now make up 100."),
        form=form,
    ):
        return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id))
    return form_page("admin/campaigns/waive.html", form, campaign=campaign, candidate=candidate)
