"""The employee's own page, continued: ratings, standing, points, rewards, reply, dispute.

A's staff.page renders templates/staff/page.html; it includes the partials
templates/staff/_*.html, which call `staff_sections(employee)` for their data.
"""

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from admin import staff_bp
from admin.cards_print import card_view
from admin.scheme_forms import DisputeForm, RedeemForm, ReplyForm
from admin.staff import STAFF_PAGE_LIMIT
from core.extensions import db, limiter
from core.models import AwardWinner, Employee, PointsEntry, Rating, Redemption, Reward
from core.services import DomainError
from core.services.awards.winners import awards_of
from core.services.people.employees import employee_for_secret
from core.services.points.ledger import balance_of, ledger_for
from core.services.points.redemptions import redemptions_of, request_redemption
from core.services.points.rewards import catalogue
from core.services.points.rules import current_points_rules
from core.services.ratings.dashboard import dimension_labels
from core.services.ratings.leaderboard import Standing, current_period_key, employee_standing
from core.services.ratings.staff_replies import dispute_rating, ratings_received, reply_to_rating
from scoring.points import PointsRules

LEDGER_ROWS = 50


@dataclass
class StaffSections:
    """Everything the employee's sections show."""

    period_key: str
    standing: Standing | None
    ratings: list[Rating]
    balance: int
    entries: list[PointsEntry]
    rules: PointsRules
    rewards: list[Reward]
    redemptions: list[Redemption]
    awards: list[AwardWinner]
    labels: dict[str, str]
    redeem: RedeemForm
    replies: dict[int, ReplyForm]
    disputes: dict[int, DisputeForm]


def _redeem_form(balance: int, rewards: list[Reward]) -> RedeemForm:
    form = RedeemForm(prefix="redeem")
    form.reward_id.choices = [
        (r.id, f"{r.name} ({r.cost})") for r in rewards if r.cost <= balance and r.stock != 0
    ]
    return form


def staff_sections(employee: Employee, failed=None) -> StaffSections:
    """The data of the employee's sections; `failed` keeps a form with its errors."""
    key = current_period_key()
    balance = balance_of(employee.id)
    rewards = catalogue(active_only=True)
    ratings = ratings_received(employee.id)
    sections = StaffSections(
        period_key=key,
        standing=employee_standing(employee.id, key),
        ratings=ratings,
        balance=balance,
        entries=ledger_for(employee.id, limit=LEDGER_ROWS),
        rules=current_points_rules(),
        rewards=rewards,
        redemptions=redemptions_of(employee.id),
        awards=awards_of(employee.id),
        labels=dimension_labels(),
        redeem=_redeem_form(balance, rewards),
        replies={r.id: ReplyForm(prefix=f"reply{r.id}", reply=r.reply) for r in ratings},
        disputes={r.id: DisputeForm(prefix=f"dispute{r.id}") for r in ratings},
    )
    if failed is not None:
        kind, rating_id, form = failed
        if kind == "redeem":
            sections.redeem = form
        else:
            getattr(sections, kind)[rating_id] = form
    return sections


@staff_bp.app_context_processor
def staff_section_helpers():
    """`staff_sections(employee)` for the partials of templates/staff/page.html."""
    return {"staff_sections": staff_sections}


def _employee(secret: str) -> Employee:
    employee = employee_for_secret(secret)
    if employee is None:
        abort(404)
    return employee


def _page_again(employee: Employee, secret: str, failed, status: int):
    """The page with the failed form and its messages; nothing typed is lost."""
    return render_template(
        "staff/page.html",
        employee=employee,
        card=card_view(employee),
        secret=secret,
        sections=staff_sections(employee, failed),
    ), status


def _back(secret: str, anchor: str):
    return redirect(url_for("staff.page", secret=secret, _anchor=anchor))


@staff_bp.post("/<secret>/redeem")
@limiter.limit(STAFF_PAGE_LIMIT)
def redeem(secret: str):
    """The employee asks for a reward; an admin or manager approves it."""
    employee = _employee(secret)
    form = _redeem_form(balance_of(employee.id), catalogue(active_only=True))
    if not form.validate_on_submit():
        return _page_again(employee, secret, ("redeem", None, form), 400)
    try:
        request_redemption(
            employee, db.session.get(Reward, form.reward_id.data), None, form.note.data
        )
    except DomainError as error:
        form.reward_id.errors.append(str(error))
        return _page_again(employee, secret, ("redeem", None, form), 409)
    flash(_("Request sent. You will see here when it is approved."), "success")
    return _back(secret, "my-rewards")


@staff_bp.post("/<secret>/ratings/<int:rating_id>/reply")
@limiter.limit(STAFF_PAGE_LIMIT)
def reply(secret: str, rating_id: int):
    """The employee answers a rating (right of reply)."""
    employee = _employee(secret)
    form = ReplyForm(prefix=f"reply{rating_id}")
    if not form.validate_on_submit():
        return _page_again(employee, secret, ("replies", rating_id, form), 400)
    try:
        reply_to_rating(employee, rating_id, form.reply.data)
    except DomainError as error:
        form.reply.errors.append(str(error))
        return _page_again(employee, secret, ("replies", rating_id, form), 409)
    flash(_("Reply saved."), "success")
    return _back(secret, f"rating-{rating_id}")


@staff_bp.post("/<secret>/ratings/<int:rating_id>/dispute")
@limiter.limit(STAFF_PAGE_LIMIT)
def dispute(secret: str, rating_id: int):
    """The employee asks the branch manager to review a rating."""
    employee = _employee(secret)
    form = DisputeForm(prefix=f"dispute{rating_id}")
    if not form.validate_on_submit():
        return _page_again(employee, secret, ("disputes", rating_id, form), 400)
    try:
        dispute_rating(employee, rating_id, form.reason.data)
    except DomainError as error:
        form.reason.errors.append(str(error))
        return _page_again(employee, secret, ("disputes", rating_id, form), 409)
    flash(_("Dispute sent to your manager."), "success")
    return _back(secret, f"rating-{rating_id}")
