"""The campaign on an employee's private page: register, vote, self-evaluate, see results."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _

from core.actions import attempt
from core.extensions import db, limiter
from core.forms import RegistrationForm, scores_of, to_choices
from core.labels import SOURCE_LABELS
from core.models import Campaign, CampaignStage, Employee, SelfEvaluationStatus
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
from core.services.campaign.improvement import actions_of
from core.services.campaign.registration import past_closing_date, register_employee
from core.services.campaign.results import pass_count, published_results, snapshot_rows
from core.services.campaign.rounds import (
    RANKED_STAGES,
    is_candidate,
    registration_of,
    round_candidates,
)
from core.services.notices.announcements import in_notice, is_final, stage_notice
from core.services.notices.objections import file_objection, objections_of
from staff import bp
from staff.access import PAGE_LIMIT, POST_LIMIT, employee_or_404
from staff.forms import SELF_CRITERIA, BallotForm, ObjectionForm, SelfEvaluationForm


def _load(secret: str, campaign_id: int) -> tuple[Employee, Campaign]:
    """The employee and a campaign of their branch; 404 for any other campaign."""
    employee = employee_or_404(secret)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or employee.branch_id not in campaign.branch_ids:
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


def _ballot(campaign: Campaign, employee: Employee, form=None) -> BallotForm:
    """The ballot offering the colleagues this employee may name."""
    form = form or BallotForm()
    form.candidate_ids.choices = to_choices(
        (c.id, c.display_name) for c in ballot_choices(campaign, employee)
    )
    return form


def _ballot_form(campaign: Campaign, employee: Employee, form=None):
    """The ballot to show: None once voted, or when there is no vote or no one to name."""
    round_ = voting_round(campaign)
    if not may_vote(campaign, employee) or has_voted(campaign, employee, round_):
        return None
    form = _ballot(campaign, employee, form)
    return form if form.candidate_ids.choices else None


def _tally_rows(campaign: Campaign, round_: CampaignStage, employee: Employee):
    """(name, votes) of the branch's candidates, most votes first; None while hidden."""
    tallies = branch_tallies(campaign, round_, employee.branch_id)
    if tallies is None:
        return None
    names = {c.id: c.display_name for c in round_candidates(campaign, round_)}
    return sorted(((names[i], votes) for i, votes in tallies.items()), key=lambda r: (-r[1], r[0]))


def _page(secret, employee, campaign, status=200, **forms):
    """The campaign page; a form given by name (after a failed POST) keeps its messages."""
    round_ = voting_round(campaign)
    registration = registration_of(campaign, employee)
    register_form = forms.get("register")
    if (
        register_form is None
        and registration is None
        and campaign.stage is CampaignStage.REGISTRATION
        and not past_closing_date(campaign)
    ):
        register_form = RegistrationForm()
    self_form, own = _self_form(campaign, employee, forms.get("self_form"))
    published = {s: snapshot_rows(published_results(campaign, s)) for s in RANKED_STAGES}
    own_results = {
        stage: row
        for stage, rows in published.items()
        for row in rows
        if row["employee_id"] == employee.id
    }
    mine = objections_of(employee.id)
    notices = _notices(campaign, mine, published, own_results, forms.get("objection"))
    return render_template(
        "staff/campaign/page.html",
        secret=secret,
        employee=employee,
        campaign=campaign,
        registration=registration,
        register_form=register_form,
        ballot=_ballot_form(campaign, employee, forms.get("ballot")),
        voted=round_ is not None and has_voted(campaign, employee, round_),
        tallies=_tally_rows(campaign, round_, employee) if round_ else None,
        self_form=self_form,
        own=own,
        published={s: rows for s, rows in published.items() if rows},
        own_results=own_results,
        pass_counts={stage: pass_count(campaign, stage) for stage in RANKED_STAGES},
        source_labels=SOURCE_LABELS,
        colleagues=accepted_self_evaluations(campaign, employee.branch_id),
        improvement=actions_of(campaign, employee) if registration else [],
        notices=notices,
        objections=[o for o in mine.values() if o.notice.campaign_id == campaign.id],
    ), status


def _objection_form(stage: CampaignStage) -> ObjectionForm:
    # One form per stage under notice on the page: the prefix keeps their fields apart.
    return ObjectionForm(prefix=f"objection-{stage.value}")


def _notices(campaign, mine, published, own_results, failed=None) -> dict:
    """Per announced stage: its notice, whether final, whether the employee objected (`mine`:
    their objections by notice), and the objection form while they may still object (a
    failed one keeps its text)."""
    shown = {}
    for stage in published:
        notice = stage_notice(campaign.id, stage)
        objection = mine.get(notice.id) if notice else None
        form = None
        if failed and failed[0] is stage:
            form = failed[1]  # refused: shown with its message and the text typed
        elif own_results.get(stage) and objection is None and in_notice(notice):
            form = _objection_form(stage)
        shown[stage] = {
            "notice": notice, "final": is_final(notice), "open": in_notice(notice),
            "objected": objection is not None, "form": form,
        }  # fmt: skip
    return shown


@bp.get("/<secret>/campaigns/<int:campaign_id>")
@limiter.limit(PAGE_LIMIT)
def campaign_page(secret: str, campaign_id: int):
    """The campaign as the employee takes part: registration, ballot, self-evaluation, results."""
    employee, campaign = _load(secret, campaign_id)
    return _page(secret, employee, campaign)


def _back(secret: str, campaign: Campaign):
    return redirect(url_for("staff.campaign_page", secret=secret, campaign_id=campaign.id))


@bp.post("/<secret>/campaigns/<int:campaign_id>/register")
@limiter.limit(POST_LIMIT)
def campaign_register(secret: str, campaign_id: int):
    """The employee registers as a candidate, with their service highlights."""
    employee, campaign = _load(secret, campaign_id)
    form = RegistrationForm()
    if form.validate_on_submit():
        registered = attempt(
            lambda: register_employee(campaign, employee, form.highlights.data),
            _("You are registered. Good luck!"),
            form=form,
            field="highlights",
        )
        if registered:
            return _back(secret, campaign)
    return _page(secret, employee, campaign, 400, register=form)


@bp.post("/<secret>/campaigns/<int:campaign_id>/ballot")
@limiter.limit(POST_LIMIT)
def campaign_vote(secret: str, campaign_id: int):
    """The employee casts their anonymous ballot for colleagues of the open round."""
    employee, campaign = _load(secret, campaign_id)
    form = _ballot(campaign, employee)
    if form.validate_on_submit():
        voted = attempt(
            lambda: cast_ballot(campaign, employee, form.candidate_ids.data),
            _("Thank you: your anonymous vote is counted."),
            form=form,
        )
        if voted:
            return _back(secret, campaign)
    return _page(secret, employee, campaign, 400, ballot=form)


@bp.post("/<secret>/campaigns/<int:campaign_id>/self-evaluation")
@limiter.limit(POST_LIMIT)
def campaign_self(secret: str, campaign_id: int):
    """A candidate of the open round sends their self-evaluation to their supervisor."""
    employee, campaign = _load(secret, campaign_id)
    form = SelfEvaluationForm()
    if form.validate_on_submit():
        sent = attempt(
            lambda: submit_self_evaluation(
                campaign,
                employee,
                scores_of(form, SELF_CRITERIA),
                form.reasons.data,
                form.improvements.data,
            ),
            _("Self-evaluation sent to your supervisor."),
            form=form,
        )
        if sent:
            return _back(secret, campaign)
    return _page(secret, employee, campaign, 400, self_form=form)


@bp.post("/<secret>/campaigns/<int:campaign_id>/results/<stage>/objection")
@limiter.limit(POST_LIMIT)
def campaign_object(secret: str, campaign_id: int, stage: str):
    """A candidate objects to a stage's announced results during its public notice."""
    employee, campaign = _load(secret, campaign_id)
    stage_ = next((s for s in RANKED_STAGES if s.value == stage), None)
    notice = stage_notice(campaign.id, stage_) if stage_ else None
    if notice is None:
        abort(404)
    form = _objection_form(stage_)
    if form.validate_on_submit():
        filed = attempt(
            lambda: file_objection(notice.id, employee, form.reason.data),
            _("Objection sent. An administrator will answer it here."),
            form=form,
            field="reason",
        )
        if filed:
            return _back(secret, campaign)
    return _page(secret, employee, campaign, 400, objection=(stage_, form))
