"""Judges score the candidates of the rounds whose panel they sit on."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin import bp
from admin.access import roles_required
from admin.campaign_forms import JUDGE_FORMS
from core.actions import attempt
from core.extensions import db
from core.forms import scores_of
from core.labels import label
from core.models import Campaign, Employee, JudgePanelMember, JudgeScore, Role
from core.models.campaign import EVALUATED_ROUNDS, JUDGE_CRITERIA
from core.services.campaign.evaluations import judge_conflict, on_panel, save_judge_score
from core.services.campaign.rounds import is_candidate, registration_of, round_candidates

judge_required = roles_required(Role.JUDGE)


def _my_scores(campaign: Campaign) -> dict[int, JudgeScore]:
    """This judge's scores in the campaign's current round, by candidate."""
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
    return render_template("admin/judging/list.html", rounds=rounds, conflict=judge_conflict)


@bp.route("/judging/<int:campaign_id>/<int:employee_id>", methods=["GET", "POST"])
@judge_required
def judging_score(campaign_id: int, employee_id: int):
    """A panel judge scores a candidate of the open round; a conflicted judge gets a 403."""
    campaign = db.get_or_404(Campaign, campaign_id)
    candidate = db.get_or_404(Employee, employee_id)
    round_ = campaign.stage
    if round_ not in EVALUATED_ROUNDS or not on_panel(campaign, round_, current_user):
        abort(404)
    if not is_candidate(campaign, round_, candidate):
        abort(404)
    form = JUDGE_FORMS[round_](obj=_my_scores(campaign).get(candidate.id))
    if form.validate_on_submit() and attempt(
        lambda: save_judge_score(
            campaign,
            current_user,
            candidate,
            scores_of(form, JUDGE_CRITERIA[round_]),
            form.note.data,
        ),
        _("Scores saved; you can revise them until the round closes."),
        form=form,
    ):
        return redirect(url_for("admin.judging_list"))
    conflict = judge_conflict(current_user, candidate)
    status = 200
    if form.is_submitted():
        status = 403 if conflict else 400
    return render_template(
        "admin/judging/score.html",
        campaign=campaign,
        candidate=candidate,
        form=form,
        round_label=label(round_),
        conflict=conflict,
        registration=registration_of(campaign, candidate),
    ), status
