"""Selection campaigns in the admin area: set-up, registrations, stages, panels, results."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin import bp
from admin.access import admin_required, branch_filter, staff_required, visible_branch_ids
from admin.campaign_forms import (
    CampaignForm,
    PanelForm,
    RegisterOnBehalfForm,
    weight_field_name,
)
from admin.forms import EmptyForm
from admin.pages import form_page
from core.actions import attempt
from core.extensions import db
from core.forms import to_choices
from core.labels import SOURCE_LABELS, label
from core.models import Campaign, CampaignStage, Employee, Registration, Role, User
from core.models.campaign import EVALUATED_ROUNDS
from core.services.campaign.registration import past_closing_date, register_employee
from core.services.campaign.results import (
    published_results,
    result_rows,
    snapshot_rows,
    stage_gaps,
    stage_results,
)
from core.services.campaign.rounds import RANKED_STAGES, STAGE_SOURCES, panel_of
from core.services.campaign.setup import CampaignData, create_campaign, set_panel, update_campaign
from core.services.campaign.stages import advance_stage
from core.services.campaign.waivers import waivers_of
from core.services.notices.announcements import is_final, stage_notice
from core.services.notices.objections import open_objection_count
from core.services.people.branches import branch_choices
from core.services.points.place_reward_setup import rewards_of


def campaign_or_404(campaign_id: int) -> Campaign:
    """The campaign, if the user may see one of its branches (admins see all)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    visible = visible_branch_ids()
    if visible is not None and not visible & campaign.branch_ids:
        abort(404)
    return campaign


def campaign_row_or_404(model, row_id: int, campaign: Campaign):
    """A row (ballot batch, vote, evaluation, action) of this campaign; 404 when it
    belongs to another, so a URL never acts on one campaign under another's name."""
    row = db.get_or_404(model, row_id)
    if row.campaign_id != campaign.id:
        abort(404)
    return row


@bp.get("/campaigns")
@staff_required
def campaign_list():
    """The campaigns of the user's branches, newest first."""
    visible = visible_branch_ids()
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.id.desc())).all()
    if visible is not None:
        campaigns = [c for c in campaigns if visible & c.branch_ids]
    return render_template("admin/campaigns/list.html", campaigns=campaigns)


def _data(form: CampaignForm) -> CampaignData:
    """The campaign settings as typed into the form."""
    return CampaignData(
        weights=form.weights(),
        **{
            name: form[name].data for name in CampaignData.__dataclass_fields__ if name != "weights"
        },
    )


def _campaign_form_page(form: CampaignForm, campaign: Campaign | None):
    """The campaign form, 400 when a field or a stage's weights carry errors."""
    return form_page(
        "admin/campaigns/form.html",
        form,
        failed=bool(form.weight_errors),
        campaign=campaign,
        stages=RANKED_STAGES,
        stage_sources=STAGE_SOURCES,
        weight_field_name=weight_field_name,
    )


def _save_campaign(form: CampaignForm, campaign: Campaign | None):
    """Create the campaign (None) or update it from the form; the form again if refused."""
    form.branch_ids.choices = to_choices(branch_choices(None))
    if form.validate_on_submit():
        saved = attempt(
            lambda: (
                create_campaign(_data(form), current_user)
                if campaign is None
                else update_campaign(campaign, _data(form), current_user)
            ),
            _("Campaign saved."),
            form=form,
        )
        if saved:
            return redirect(url_for("admin.campaign_detail", campaign_id=saved.value.id))
    return _campaign_form_page(form, campaign)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@admin_required
def campaign_new():
    """Set up a new campaign."""
    return _save_campaign(CampaignForm(), None)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@admin_required
def campaign_edit(campaign_id: int):
    """Change a campaign's settings; the form opens with its stored weights."""
    campaign = db.get_or_404(Campaign, campaign_id)
    form = CampaignForm(obj=campaign, branch_ids=sorted(campaign.branch_ids))
    if not form.is_submitted():
        for stage, weights in campaign.weights.items():
            for source, weight in weights.items():
                name = weight_field_name(CampaignStage(stage), source)
                if name in form:
                    form[name].data = weight
    return _save_campaign(form, campaign)


def _registrations(campaign: Campaign) -> list[Registration]:
    """The campaign's registrations in the user's branches, by employee name."""
    query = (
        select(Registration)
        .join(Employee, Employee.id == Registration.employee_id)
        .where(Registration.campaign_id == campaign.id, branch_filter(Employee.branch_id))
        .order_by(Employee.display_name)
    )
    return list(db.session.scalars(query))


def _on_behalf_form(campaign: Campaign) -> RegisterOnBehalfForm:
    """The form that registers an active, not yet registered employee of the campaign."""
    form = RegisterOnBehalfForm()
    registered = select(Registration.employee_id).filter_by(campaign_id=campaign.id)
    employees = db.session.scalars(
        select(Employee)
        .where(Employee.branch_id.in_(sorted(campaign.branch_ids)), Employee.active.is_(True))
        .where(Employee.id.not_in(registered))
        .order_by(Employee.display_name)
    )
    form.employee_id.choices = to_choices(
        (e.id, f"{e.display_name} ({e.branch.name})") for e in employees
    )
    return form


def _detail_page(campaign: Campaign, on_behalf=None, status: int = 200):
    """The campaign page: registrations, live and published results, panels."""
    live = campaign.stage in RANKED_STAGES and current_user.is_admin
    results = stage_results(campaign, campaign.stage) if live else []
    published = {s: snapshot_rows(published_results(campaign, s)) for s in RANKED_STAGES}
    return render_template(
        "admin/campaigns/detail.html",
        campaign=campaign,
        registrations=_registrations(campaign),
        on_behalf=on_behalf or _on_behalf_form(campaign),
        live=result_rows(results) if live else None,
        gaps=stage_gaps(results),
        waivers=[w for r in EVALUATED_ROUNDS for w in waivers_of(campaign, r)],
        past_closing_date=past_closing_date(campaign),
        source_labels=SOURCE_LABELS,
        published={s: rows for s, rows in published.items() if rows},
        panels={r: panel_of(campaign, r) for r in EVALUATED_ROUNDS},
        place_rewards=rewards_of(campaign),
        button=EmptyForm(),
        notices={s: _notice_line(campaign, s) for s in published if published[s]},
    ), status


def _notice_line(campaign: Campaign, stage) -> dict:
    """A published stage's public notice: when it ends, whether final, objections open."""
    notice = stage_notice(campaign.id, stage)
    return {
        "notice": notice,
        "final": is_final(notice),
        "open_objections": open_objection_count(notice.id) if notice else 0,
    }


@bp.get("/campaigns/<int:campaign_id>")
@staff_required
def campaign_detail(campaign_id: int):
    """A campaign's registrations, results and panels."""
    return _detail_page(campaign_or_404(campaign_id))


@bp.post("/campaigns/<int:campaign_id>/register")
@admin_required
def campaign_register(campaign_id: int):
    """An admin registers an employee on their behalf."""
    campaign = db.get_or_404(Campaign, campaign_id)
    form = _on_behalf_form(campaign)
    if form.validate_on_submit():
        employee = db.get_or_404(Employee, form.employee_id.data)
        if attempt(
            lambda: register_employee(
                campaign, employee, form.highlights.data, current_user, form.late_reason.data
            ),
            _("%(name)s is registered.", name=employee.display_name),
            form=form,
            field="employee_id",
        ):
            return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id))
    return _detail_page(campaign, form, 400)


@bp.post("/campaigns/<int:campaign_id>/advance")
@admin_required
def campaign_advance(campaign_id: int):
    """Close the current stage and open the next one."""
    campaign = db.get_or_404(Campaign, campaign_id)
    if EmptyForm().validate_on_submit():
        attempt(
            lambda: advance_stage(campaign, current_user),
            lambda stage: _("The campaign is now at: %(stage)s.", stage=label(stage)),
        )
    return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/panel/<round_>", methods=["GET", "POST"])
@admin_required
def campaign_panel(campaign_id: int, round_: str):
    """Choose the judges who score one evaluated round."""
    campaign = db.get_or_404(Campaign, campaign_id)
    if round_ not in {r.value for r in EVALUATED_ROUNDS}:
        abort(404)
    stage = CampaignStage(round_)
    form = PanelForm(judge_ids=[u.id for u in panel_of(campaign, stage)])
    judges = db.session.scalars(
        select(User).where(User.role == Role.JUDGE, User.active.is_(True)).order_by(User.email)
    )
    form.judge_ids.choices = to_choices((u.id, u.name or u.email) for u in judges)
    if form.validate_on_submit() and attempt(
        lambda: set_panel(campaign, stage, form.judge_ids.data, current_user),
        _("Panel saved."),
        form=form,
    ):
        return redirect(url_for("admin.campaign_detail", campaign_id=campaign.id))
    return form_page(
        "admin/campaigns/panel.html", form, campaign=campaign, stage_label=label(stage)
    )
