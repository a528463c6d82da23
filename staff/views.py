"""The employee's private page: their QR card to see and print, their ratings, points and
rewards; replies to ratings, disputes and reward requests.

Every view finds its employee by the secret in the URL (staff.access) and answers 404 for
an unknown or revoked link, or an inactive employee.
"""

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.actions import attempt
from core.extensions import db, limiter
from core.models import Employee, Reward
from core.services.notices.objections import file_objection
from core.services.people.cards import card_view
from core.services.points.redemptions import (
    available_points,
    cancel_redemption,
    request_redemption,
)
from core.services.points.rewards import catalogue
from core.services.points.tiers import latest_tier
from core.services.ratings.staff_replies import dispute_rating, reply_to_rating
from staff import bp
from staff.access import PAGE_LIMIT, POST_LIMIT, employee_or_404
from staff.forms import CancelRequestForm, DisputeForm, ReplyForm
from staff.sections import objection_form, redeem_form, staff_sections

MAX_PAGE = 1000


def _page_number(name: str) -> int:
    """A page number from the query string: 1 unless a whole number from 1 to 1000."""
    number = request.args.get(name, 1, type=int)
    return number if 1 <= number <= MAX_PAGE else 1


def _render_page(employee: Employee, secret: str, failed=None, status: int = 200):
    """The private page; after a failed form, with that form and its messages."""
    sections = staff_sections(
        employee, failed, _page_number("ratings_page"), _page_number("ledger_page")
    )
    return render_template(
        "staff/page.html",
        employee=employee,
        card=card_view(employee),
        secret=secret,
        sections=sections,
    ), status


def _back(secret: str, anchor: str):
    return redirect(url_for("staff.page", secret=secret, _anchor=anchor))


@bp.get("/<secret>")
@limiter.limit(PAGE_LIMIT)
def page(secret: str):
    """The private page: the employee's card with a print button, and their sections."""
    return _render_page(employee_or_404(secret), secret)


@bp.get("/<secret>/card")
@limiter.limit(PAGE_LIMIT)
def card(secret: str):
    """The employee's card alone, one per A4 page, ready to print."""
    employee = employee_or_404(secret)
    return render_template(
        "staff/card.html", employee=employee, card=card_view(employee), secret=secret
    )


@bp.post("/<secret>/redeem")
@limiter.limit(PAGE_LIMIT)
def redeem(secret: str):
    """The employee asks for a reward; an admin or manager approves it."""
    employee = employee_or_404(secret)
    rewards = catalogue(active_only=True)
    form = redeem_form(available_points(employee.id), rewards, latest_tier(employee.id))
    if not form.validate_on_submit():
        return _render_page(employee, secret, ("redeem", None, form), 400)
    requested = attempt(
        lambda: request_redemption(
            employee, db.session.get(Reward, form.reward_id.data), None, form.note.data
        ),
        _("Request sent. You will see here when it is approved."),
        form=form,
        field="reward_id",
    )
    if not requested:
        return _render_page(employee, secret, ("redeem", None, form), 409)
    return _back(secret, "my-rewards")


@bp.post("/<secret>/redemptions/<int:redemption_id>/cancel")
@limiter.limit(PAGE_LIMIT)
def cancel_request(secret: str, redemption_id: int):
    """The employee withdraws an open reward request; its points are free again."""
    employee = employee_or_404(secret)
    if CancelRequestForm().validate_on_submit():
        attempt(
            lambda: cancel_redemption(redemption_id, employee.id),
            _("Request cancelled. Its points are yours to use again."),
        )
    return _back(secret, "my-rewards")


def _answer_rating(secret: str, rating_id: int, form, field: str, section: str, action, done):
    """Post a reply or a dispute (the text in `field`) on one of the employee's ratings."""
    employee = employee_or_404(secret)
    if not form.validate_on_submit():
        return _render_page(employee, secret, (section, rating_id, form), 400)
    text = form[field].data
    if not attempt(lambda: action(employee, rating_id, text), done, form=form, field=field):
        return _render_page(employee, secret, (section, rating_id, form), 409)
    return _back(secret, f"rating-{rating_id}")


@bp.post("/<secret>/ratings/<int:rating_id>/reply")
@limiter.limit(PAGE_LIMIT)
def reply(secret: str, rating_id: int):
    """The employee answers a rating (right of reply)."""
    form = ReplyForm(prefix=f"reply{rating_id}")
    done = _("Reply saved.")
    return _answer_rating(secret, rating_id, form, "reply", "replies", reply_to_rating, done)


@bp.post("/<secret>/ratings/<int:rating_id>/dispute")
@limiter.limit(PAGE_LIMIT)
def dispute(secret: str, rating_id: int):
    """The employee asks the branch manager to review a rating."""
    form = DisputeForm(prefix=f"dispute{rating_id}")
    done = _("Dispute sent to your manager.")
    return _answer_rating(secret, rating_id, form, "reason", "disputes", dispute_rating, done)


@bp.post("/<secret>/award-notices/<int:notice_id>/objection")
@limiter.limit(POST_LIMIT)
def award_objection(secret: str, notice_id: int):
    """A candidate objects to an award period's results during its public notice."""
    employee = employee_or_404(secret)
    form = objection_form(notice_id)
    if not form.validate_on_submit():
        return _render_page(employee, secret, ("objections", notice_id, form), 400)
    filed = attempt(
        lambda: file_objection(notice_id, employee, form.reason.data),
        _("Objection sent. An administrator will answer it here."),
    )  # a refusal is flashed: it may concern a period this page does not list
    if not filed:
        return _render_page(employee, secret, ("objections", notice_id, form), 400)
    return _back(secret, f"award-notice-{notice_id}")
