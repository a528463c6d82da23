"""Feedback moderation: the inbox, hiding ratings, surprise claims and disputes."""

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from admin import bp
from admin.access import get_visible_or_404, staff_required, visible_branch_ids
from admin.forms import EmptyForm, FeedbackFilterForm, ReasonForm
from admin.pages import form_page, paged
from core.actions import attempt
from core.extensions import db
from core.forms import to_choices
from core.i18n import current_locale_code
from core.models import Employee, Rating, RatingStatus
from core.services.campaign.offline_list import flagged_offline_votes
from core.services.people.branches import branch_choices, employee_choices
from core.services.points.rules import current_points_rules
from core.services.ratings.moderation import (
    InboxFilter,
    confirm_surprise,
    decline_surprise,
    given_with_staff_contact,
    hide_disputed_rating,
    hide_rating,
    inbox,
    open_disputes,
    open_surprise_claims,
    uphold_rating,
)
from core.services.settings import dimension_labels

PER_PAGE = 25
QUEUE_ROWS = 200


def _rating_or_404(rating_id: int) -> Rating:
    """A verified or hidden rating of a visible branch; pending ones never show."""
    rating = get_visible_or_404(Rating, rating_id)
    if rating.status not in (RatingStatus.VERIFIED, RatingStatus.HIDDEN):
        abort(404)
    return rating


def _filter_form() -> FeedbackFilterForm:
    """The inbox filter from the query string, offering the user's branches and staff."""
    form = FeedbackFilterForm(request.args)
    visible = visible_branch_ids()
    form.branch.choices = to_choices([(0, _("All")), *branch_choices(visible, True)])
    form.employee.choices = to_choices([(0, _("All")), *employee_choices(visible)])
    return form


def _inbox_filter(form: FeedbackFilterForm) -> InboxFilter:
    """The service's filter from a valid filter form."""
    return InboxFilter(
        branch_id=form.branch.data or None,
        employee_id=form.employee.data or None,
        period=(form.period.data or "").strip(),
        stars=int(form.stars.data) if form.stars.data else None,
        with_comment=form.comment.data,
        surprise=form.surprise.data or "",
        suspicious=form.suspicious.data,
        staff_contact=form.staff_contact.data,
        hidden=form.hidden.data,
    )


@bp.get("/feedback")
@staff_required
def feedback_list():
    """The feedback inbox: ratings of the user's branches, filtered and paged."""
    form = _filter_form()
    chosen = _inbox_filter(form) if form.validate() else InboxFilter()
    query, flags = inbox(chosen, visible_branch_ids())
    return form_page(
        "admin/feedback/list.html",
        form,
        flags=flags,
        dims=dimension_labels(),
        offline=flagged_offline_votes(visible_branch_ids()),
        **paged(query, PER_PAGE),
    )


@bp.get("/feedback/<int:rating_id>")
@staff_required
def feedback_detail(rating_id: int):
    """One rating in full, with the form that hides it."""
    rating = _rating_or_404(rating_id)
    return _detail_page(rating, ReasonForm())


@bp.post("/feedback/<int:rating_id>/hide")
@staff_required
def feedback_hide(rating_id: int):
    """Hide a rating, with a reason; its points are reversed."""
    return _hide(rating_id, hide_rating, url_for("admin.feedback_detail", rating_id=rating_id))


@bp.get("/feedback/surprises")
@staff_required
def surprise_list():
    """Open surprise-service claims of the user's branches."""
    rules = current_points_rules()
    return _queue_page(
        "admin/feedback/surprises.html",
        open_surprise_claims(visible_branch_ids()),
        rules=rules,
        standard=rules.standard_text(current_locale_code()),
    )


@bp.post("/feedback/<int:rating_id>/surprise/<any(confirm, reject):decision>")
@staff_required
def surprise_decide(rating_id: int, decision: str):
    """Confirm a surprise-service claim (bonus points credited) or reject it."""
    rating = _rating_or_404(rating_id)
    if decision == "confirm":
        attempt(
            lambda: confirm_surprise(rating, current_user),
            _("Surprise service confirmed: bonus points credited."),
        )
    else:
        attempt(
            lambda: decline_surprise(rating, current_user), _("Surprise service claim rejected.")
        )
    return redirect(url_for("admin.surprise_list"))


@bp.get("/feedback/disputes")
@staff_required
def dispute_list():
    """Ratings that employees dispute, in the user's branches."""
    return _queue_page("admin/feedback/disputes.html", open_disputes(visible_branch_ids()))


@bp.post("/feedback/<int:rating_id>/dispute/uphold")
@staff_required
def dispute_uphold(rating_id: int):
    """Let a disputed rating stand and close the dispute."""
    rating = _rating_or_404(rating_id)
    attempt(
        lambda: uphold_rating(rating, current_user), _("The rating stands; the dispute is closed.")
    )
    return redirect(url_for("admin.dispute_list"))


@bp.post("/feedback/<int:rating_id>/dispute/hide")
@staff_required
def dispute_hide(rating_id: int):
    """Grant a dispute: hide the rating, with a reason; its points are reversed."""
    return _hide(rating_id, hide_disputed_rating, url_for("admin.dispute_list"))


def _hide(rating_id: int, hide, back: str):
    """Hide the rating with `hide` and the reason typed in, then go `back`.

    Without a valid reason, the rating's page again (400).
    """
    rating = _rating_or_404(rating_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _detail_page(rating, form, 400)
    attempt(
        lambda: hide(rating, current_user, form.reason.data),
        _("Rating hidden; its points were reversed."),
    )
    return redirect(back)


def _queue_page(template: str, query, **context):
    """Ratings waiting for a decision (the first QUEUE_ROWS), with the decision buttons."""
    return render_template(
        template,
        ratings=list(db.session.scalars(query.limit(QUEUE_ROWS))),
        button=EmptyForm(),
        dims=dimension_labels(),
        **context,
    )


def _detail_page(rating: Rating, form: ReasonForm, status: int = 200):
    """The rating's page, with the hide form as submitted."""
    employee = db.session.get(Employee, rating.employee_id)
    return render_template(
        "admin/feedback/detail.html",
        rating=rating,
        employee=employee,
        staff_contact=given_with_staff_contact(rating),
        form=form,
        button=EmptyForm(),
        dims=dimension_labels(),
    ), status
