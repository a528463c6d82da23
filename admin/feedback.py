"""Feedback moderation: the inbox, hiding ratings, surprise claims and disputes."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import get_visible_or_404, staff_required, visible_branch_ids
from admin.forms import EmptyForm, FeedbackFilterForm, ReasonForm, to_choices
from core.extensions import db
from core.models import Employee, Rating, RatingStatus
from core.services import DomainError
from core.services.people.branches import branch_choices, employee_choices
from core.services.ratings.dashboard import dimension_labels
from core.services.ratings.moderation import (
    InboxFilter,
    confirm_surprise,
    decline_surprise,
    hide_disputed_rating,
    hide_rating,
    inbox,
    open_disputes,
    open_surprise_claims,
    uphold_rating,
)

PER_PAGE = 25


def _rating_or_404(rating_id: int) -> Rating:
    """A verified or hidden rating of a visible branch; pending ones never show."""
    rating = get_visible_or_404(Rating, rating_id)
    if rating.status not in (RatingStatus.VERIFIED, RatingStatus.HIDDEN):
        abort(404)
    return rating


def _filter_form() -> FeedbackFilterForm:
    form = FeedbackFilterForm(request.args)
    visible = visible_branch_ids()
    form.branch.choices = to_choices([(0, _("All")), *branch_choices(visible, True)])
    form.employee.choices = to_choices([(0, _("All")), *employee_choices(visible)])
    return form


def _inbox_filter(form: FeedbackFilterForm) -> InboxFilter:
    return InboxFilter(
        branch_id=form.branch.data or None,
        employee_id=form.employee.data or None,
        period=(form.period.data or "").strip(),
        stars=int(form.stars.data) if form.stars.data else None,
        with_comment=form.comment.data,
        surprise=form.surprise.data or "",
        suspicious=form.suspicious.data,
        hidden=form.hidden.data,
    )


@bp.get("/feedback")
@staff_required
def feedback_list():
    form = _filter_form()
    valid = form.validate()
    query, flagged = inbox(_inbox_filter(form) if valid else InboxFilter(), visible_branch_ids())
    page = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "admin/feedback/list.html",
        form=form,
        page=page,
        flagged=flagged,
        args=args,
        dims=dimension_labels(),
    ), (200 if valid else 400)


@bp.get("/feedback/<int:rating_id>")
@staff_required
def feedback_detail(rating_id: int):
    rating = _rating_or_404(rating_id)
    return _detail_page(rating, ReasonForm())


@bp.post("/feedback/<int:rating_id>/hide")
@staff_required
def feedback_hide(rating_id: int):
    rating = _rating_or_404(rating_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _detail_page(rating, form, 400)
    try:
        hide_rating(rating, current_user, form.reason.data)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("Rating hidden; its points were reversed."), "success")
    return redirect(url_for("admin.feedback_detail", rating_id=rating_id))


@bp.get("/feedback/surprises")
@staff_required
def surprise_list():
    ratings = db.session.scalars(open_surprise_claims(visible_branch_ids()).limit(200))
    return render_template(
        "admin/feedback/surprises.html",
        ratings=list(ratings),
        button=EmptyForm(),
        dims=dimension_labels(),
    )


@bp.post("/feedback/<int:rating_id>/surprise/<any(confirm, reject):decision>")
@staff_required
def surprise_decide(rating_id: int, decision: str):
    rating = _rating_or_404(rating_id)
    try:
        (confirm_surprise if decision == "confirm" else decline_surprise)(rating, current_user)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("Surprise service confirmed: bonus points credited.") if decision == "confirm"
              else _("Surprise service claim rejected."), "success")  # fmt: skip
    return redirect(url_for("admin.surprise_list"))


@bp.get("/feedback/disputes")
@staff_required
def dispute_list():
    ratings = db.session.scalars(open_disputes(visible_branch_ids()).limit(200))
    return render_template(
        "admin/feedback/disputes.html",
        ratings=list(ratings),
        button=EmptyForm(),
        dims=dimension_labels(),
    )


@bp.post("/feedback/<int:rating_id>/dispute/uphold")
@staff_required
def dispute_uphold(rating_id: int):
    rating = _rating_or_404(rating_id)
    try:
        uphold_rating(rating, current_user)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("The rating stands; the dispute is closed."), "success")
    return redirect(url_for("admin.dispute_list"))


@bp.post("/feedback/<int:rating_id>/dispute/hide")
@staff_required
def dispute_hide(rating_id: int):
    rating = _rating_or_404(rating_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _detail_page(rating, form, 400)
    try:
        hide_disputed_rating(rating, current_user, form.reason.data)
    except DomainError as error:
        flash(str(error), "error")
    else:
        flash(_("Rating hidden; its points were reversed."), "success")
    return redirect(url_for("admin.dispute_list"))


def _detail_page(rating: Rating, form: ReasonForm, status: int = 200):
    employee = db.session.get(Employee, rating.employee_id)
    return render_template(
        "admin/feedback/detail.html",
        rating=rating,
        employee=employee,
        form=form,
        button=EmptyForm(),
        dims=dimension_labels(),
    ), status
