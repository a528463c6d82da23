"""Objections to announced results (公示): the list, open first, and the admin's answer."""

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from admin import bp
from admin.access import admin_required
from admin.objection_forms import AnswerObjectionForm
from admin.pages import form_page, paged
from core.actions import attempt
from core.extensions import db
from core.labels import SOURCE_LABELS
from core.models import Objection, ObjectionStatus, StageResult
from core.services.notices.objections import (
    PERIOD_REMEDIES,
    STAGE_REMEDIES,
    answer_objection,
    objections_list,
)

PER_PAGE = 50


def _objection_or_404(objection_id: int) -> Objection:
    objection = db.session.get(Objection, objection_id)
    if objection is None:
        abort(404)
    return objection


def _form(objection: Objection, form: AnswerObjectionForm | None = None):
    remedies = PERIOD_REMEDIES if objection.notice.award_period_id else STAGE_REMEDIES
    return (form or AnswerObjectionForm()).offer(remedies)


def _own_result(objection: Objection) -> StageResult | None:
    """The objector's frozen result of the stage, to judge the objection by."""
    notice = objection.notice
    if notice.campaign_id is None:
        return None
    return db.session.scalar(
        select(StageResult).filter_by(
            campaign_id=notice.campaign_id, stage=notice.stage, employee_id=objection.employee_id
        )
    )


@bp.get("/objections")
@admin_required
def objection_list():
    """Every objection, those awaiting an answer first."""
    return render_template(
        "admin/objections/list.html", open_status=ObjectionStatus.OPEN,
        **paged(objections_list(), PER_PAGE),
    )  # fmt: skip


@bp.route("/objections/<int:objection_id>", methods=["GET", "POST"])
@admin_required
def objection_answer(objection_id: int):
    """One objection with the objector's result; an open one gets the answer form."""
    objection = _objection_or_404(objection_id)
    form = _form(objection)
    if objection.status is ObjectionStatus.OPEN and form.validate_on_submit():
        answered = attempt(
            lambda: answer_objection(
                objection.id, form.decision.data, form.answer.data, current_user
            ),
            _("Objection answered. The employee sees the answer on their page."),
            form=form,
            field="decision",
        )
        if answered:
            return redirect(url_for("admin.objection_list"))
    return form_page(
        "admin/objections/answer.html",
        form,
        failed=form.is_submitted(),
        objection=objection,
        result=_own_result(objection),
        source_labels=SOURCE_LABELS,
    )
