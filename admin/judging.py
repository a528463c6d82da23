"""Judges score the candidates of the rounds whose panel they sit on."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin import bp
from admin.access import roles_required
from admin.campaign_forms import JUDGE_FORMS, STAGE_LABELS, scores_of, show_error
from core.extensions import db
from core.models import Campaign, Employee, JudgePanelMember, JudgeScore, Role
from core.models.campaign import EVALUATED_ROUNDS, JUDGE_CRITERIA
from core.services import DomainError
from core.services.campaign.evaluations import judge_conflict, on_panel, save_judge_score
from core.services.campaign.rounds import is_candidate, registration_of, round_candidates

judge_required = roles_required(Role.JUDGE)


def _my_scores(campaign: Campaign) -> dict[int, JudgeScore]:
    query = select(JudgeScore).filter_by(
        campaign_id=campaign.id, round=campaign.stage, judge_id=current_user.id
    )
    return {s.candidate_id: s for s in db.session.scalars(query)}


@bp.get("/judging")
@judge_required
def judging_list():
    """The open rounds this judge sits on, with their candidates."""
    query = (
        select(Campaign)
        .join(JudgePanelMember, JudgePanelMember.campaign_id == Campaign.id)
        .where(
            JudgePanelMember.user_id == current_user.id, JudgePanelMember.round == Campaign.stage
        )
        .order_by(Campaign.id.desc())
    )
    rounds = [
        (c, round_candidates(c, c.stage), _my_scores(c))
        for c in db.session.scalars(query)
        if c.stage in EVALUATED_ROUNDS
    ]
    return render_template(
        "admin/judging/list.html", rounds=rounds, stage_labels=STAGE_LABELS, conflict=judge_conflict
    )


@bp.route("/judging/<int:campaign_id>/<int:employee_id>", methods=["GET", "POST"])
@judge_required
def judging_score(campaign_id: int, employee_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    candidate = db.get_or_404(Employee, employee_id)
    round_ = campaign.stage
    if round_ not in EVALUATED_ROUNDS or not on_panel(campaign, round_, current_user):
        abort(404)
    if not is_candidate(campaign, round_, candidate):
        abort(404)
    form = JUDGE_FORMS[round_](obj=_my_scores(campaign).get(candidate.id))
    if form.validate_on_submit():
        try:
            save_judge_score(
                campaign,
                current_user,
                candidate,
                scores_of(form, JUDGE_CRITERIA[round_]),
                form.note.data,
            )
        except DomainError as error:
            if not show_error(form, error):
                flash(str(error), "error")
        else:
            flash(_("Scores saved; you can revise them until the round closes."), "success")
            return redirect(url_for("admin.judging_list"))
    status = 400 if form.is_submitted() else 200
    if judge_conflict(current_user, candidate):
        status = 403 if form.is_submitted() else status
    return render_template(
        "admin/judging/score.html",
        campaign=campaign,
        candidate=candidate,
        form=form,
        round_label=STAGE_LABELS[round_],
        conflict=judge_conflict(current_user, candidate),
        registration=registration_of(campaign, candidate),
    ), status
