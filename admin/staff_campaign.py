"""The campaign on an employee's private page: register, vote, self-evaluate, see results."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from admin import staff_bp
from admin.campaign_forms import (
    SELF_STATUS_LABELS,
    STAGE_LABELS,
    BallotForm,
    RegistrationForm,
    SelfEvaluationForm,
    scores_of,
    show_error,
)
from admin.forms import to_choices
from admin.staff import STAFF_PAGE_LIMIT
from core.extensions import db, limiter
from core.models import Campaign, CampaignStage, Employee, SelfEvaluationStatus
from core.services import DomainError
from core.services.campaign.colleague_votes import (
    ballot_choices,
    branch_tallies,
    cast_ballot,
    has_voted,
    may_vote,
    voting_round,
)
from core.services.campaign.evaluations import (
    accepted_self_evaluations,
    self_evaluation_of,
    submit_self_evaluation,
)
from core.services.campaign.registration import register_employee
from core.services.campaign.results import published_results, snapshot_rows
from core.services.campaign.rounds import (
    RANKED_STAGES,
    is_candidate,
    registration_of,
    round_candidates,
)
from core.services.campaign.setup import campaigns_for_branch
from core.services.people.employees import employee_for_secret

# A person submits a handful of forms; a burst means a script.
STAFF_POST_LIMIT = "20/minute"
SELF_CRITERIA = ("performance", "growth", "self_management")


@staff_bp.app_template_global("staff_campaigns")
def staff_campaigns(employee: Employee) -> list[Campaign]:
    """The campaigns the employee's branch takes part in (for the private page)."""
    return campaigns_for_branch(employee.branch_id)


def _load(secret: str, campaign_id: int) -> tuple[Employee, Campaign]:
    employee = employee_for_secret(secret)
    campaign = db.session.get(Campaign, campaign_id)
    if employee is None or campaign is None or employee.branch_id not in campaign.branch_ids:
        abort(404)
    return employee, campaign


def _self_form(campaign: Campaign, employee: Employee, form=None):
    """The self-evaluation form when the employee is a candidate of the open round."""
    round_ = voting_round(campaign)
    if round_ is None or not is_candidate(campaign, round_, employee):
        return None, None
    existing = self_evaluation_of(campaign, round_, employee)
    if form is None and (existing is None or existing.status is not SelfEvaluationStatus.ACCEPTED):
        form = SelfEvaluationForm(obj=existing)
    return form, existing


def _ballot_form(campaign: Campaign, employee: Employee, form=None):
    round_ = voting_round(campaign)
    if not may_vote(campaign, employee) or has_voted(campaign, employee, round_):
        return None
    form = form or BallotForm()
    form.candidate_ids.choices = to_choices(
        (c.id, c.display_name) for c in ballot_choices(campaign, employee)
    )
    return form if form.candidate_ids.choices else None


def _tally_rows(campaign: Campaign, round_: CampaignStage, employee: Employee):
    """(name, votes) of the branch's candidates, most votes first; None while hidden."""
    tallies = branch_tallies(campaign, round_, employee.branch_id)
    if tallies is None:
        return None
    names = {c.id: c.display_name for c in round_candidates(campaign, round_)}
    return sorted(((names[i], votes) for i, votes in tallies.items()), key=lambda r: (-r[1], r[0]))


def _page(secret, employee, campaign, status=200, **forms):
    round_ = voting_round(campaign)
    registration = registration_of(campaign, employee)
    register_form = forms.get("register")
    if (
        register_form is None
        and registration is None
        and campaign.stage is CampaignStage.REGISTRATION
    ):
        register_form = RegistrationForm()
    self_form, own = _self_form(campaign, employee, forms.get("self_form"))
    published = {s: snapshot_rows(published_results(campaign, s)) for s in RANKED_STAGES}
    return render_template(
        "staff/campaign/page.html",
        secret=secret,
        employee=employee,
        campaign=campaign,
        stage_labels=STAGE_LABELS,
        registration=registration,
        register_form=register_form,
        ballot=_ballot_form(campaign, employee, forms.get("ballot")),
        voted=round_ is not None and has_voted(campaign, employee, round_),
        tallies=_tally_rows(campaign, round_, employee) if round_ else None,
        status_labels=SELF_STATUS_LABELS,
        self_form=self_form,
        own=own,
        published={s: rows for s, rows in published.items() if rows},
        colleagues=accepted_self_evaluations(campaign, employee.branch_id),
    ), status


@staff_bp.get("/<secret>/campaigns/<int:campaign_id>")
@limiter.limit(STAFF_PAGE_LIMIT)
def campaign_page(secret: str, campaign_id: int):
    employee, campaign = _load(secret, campaign_id)
    return _page(secret, employee, campaign)


def _back(secret: str, campaign: Campaign):
    return redirect(url_for("staff.campaign_page", secret=secret, campaign_id=campaign.id))


@staff_bp.post("/<secret>/campaigns/<int:campaign_id>/register")
@limiter.limit(STAFF_POST_LIMIT)
def campaign_register(secret: str, campaign_id: int):
    employee, campaign = _load(secret, campaign_id)
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            register_employee(campaign, employee, form.highlights.data)
        except DomainError as error:
            if not show_error(form, error):
                form.highlights.errors = [str(error)]
        else:
            flash(_("You are registered. Good luck!"), "success")
            return _back(secret, campaign)
    return _page(secret, employee, campaign, 400, register=form)


@staff_bp.post("/<secret>/campaigns/<int:campaign_id>/ballot")
@limiter.limit(STAFF_POST_LIMIT)
def campaign_vote(secret: str, campaign_id: int):
    employee, campaign = _load(secret, campaign_id)
    form = BallotForm()
    form.candidate_ids.choices = to_choices(
        (c.id, c.display_name) for c in ballot_choices(campaign, employee)
    )
    if form.validate_on_submit():
        try:
            cast_ballot(campaign, employee, form.candidate_ids.data)
        except DomainError as error:
            if not show_error(form, error):
                flash(str(error), "error")
        else:
            flash(_("Thank you: your anonymous vote is counted."), "success")
            return _back(secret, campaign)
    return _page(secret, employee, campaign, 400, ballot=form)


@staff_bp.post("/<secret>/campaigns/<int:campaign_id>/self-evaluation")
@limiter.limit(STAFF_POST_LIMIT)
def campaign_self(secret: str, campaign_id: int):
    employee, campaign = _load(secret, campaign_id)
    form = SelfEvaluationForm()
    if form.validate_on_submit():
        try:
            submit_self_evaluation(
                campaign,
                employee,
                scores_of(form, SELF_CRITERIA),
                form.reasons.data,
                form.improvements.data,
            )
        except DomainError as error:
            if not show_error(form, error):
                flash(str(error), "error")
        else:
            flash(_("Self-evaluation sent to your supervisor."), "success")
            return _back(secret, campaign)
    return _page(secret, employee, campaign, 400, self_form=form)
