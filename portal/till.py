"""The till's one-time QR: a receipt code in a link to the serving employee's card.

GET /C/<token>/R/<code> checks the code without using it, keeps its id in the session
(signed, so the browser cannot swap in another), and redirects to the plain card URL:
the code leaves the address bar, the history and any Referer, and the request log names
only the route pattern. The card page then says the visit is verified, and sending the
form stores the rating verified with that code at once (submit_with_receipt).
"""

from flask import current_app, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _

from core.extensions import db, limiter
from core.models import Employee
from core.security import no_referrer, no_store
from core.services.people.cards import lookup_card
from core.services.ratings.receipt_codes import ReceiptRefused, ReceiptSpent, UnknownReceiptCode
from core.services.ratings.submission import RatingInput, StoredRating
from core.services.ratings.till_codes import (
    held_code_refusal,
    held_receipt,
    scanned_code,
    scanned_receipt,
    submit_with_receipt,
    who_may_have_served,
)
from portal import bp

TILL_KEY = "till_receipt"


def _receipt_guess_limit() -> str:
    return current_app.config["RECEIPT_GUESS_LIMIT"]


def _guess_failed(_response) -> bool:
    return bool(g.get("receipt_guess_failed"))


def held_code_for(employee: Employee) -> int | None:
    """The id of the scanned code that verifies a rating of this employee now, if any.

    A code that is spent (used, expired) is forgotten; one bound to a colleague is kept,
    as the customer may go back to the card they scanned.
    """
    code_id = session.get(TILL_KEY)
    if not isinstance(code_id, int):
        return None
    refusal = held_code_refusal(code_id, employee)
    if isinstance(refusal, ReceiptSpent | UnknownReceiptCode):
        session.pop(TILL_KEY, None)
    return None if refusal else code_id


def store_with_held_code(employee: Employee, data: RatingInput) -> StoredRating | None:
    """The rating stored and verified with the scanned code; None when there is no usable
    one (the caller then stores it the usual way). AlreadyRated goes up."""
    code_id = held_code_for(employee)
    if code_id is None:
        return None
    try:
        rating = submit_with_receipt(employee, data, code_id)
    except ReceiptRefused:
        return None  # used by a tap in between: the usual way still works
    session.pop(TILL_KEY, None)
    return rating


def _refused(refusal: ReceiptRefused) -> None:
    """Say why the scanned code cannot be used, and that rating is still open."""
    g.receipt_guess_failed = isinstance(refusal, UnknownReceiptCode)
    flash(
        _("%(reason)s You can still rate: you will confirm with a code.", reason=refusal),
        "warning",
    )


@bp.get("/C/<token>/R/<code>")
@bp.get("/c/<token>/r/<code>")
@no_referrer
@no_store
@limiter.limit(_receipt_guess_limit, deduct_when=_guess_failed)
def till_scan(token: str, code: str):
    """A till QR: keep its receipt code for this visit, then the card without the code."""
    found = lookup_card(token)
    if found.state != "active":
        return redirect(url_for("portal.card", token=token), 303)  # the card page explains
    try:
        session[TILL_KEY] = scanned_code(code, found.employee)
    except ReceiptRefused as refusal:
        _refused(refusal)
    return redirect(url_for("portal.card", token=found.employee.card_token), 303)


@bp.get("/R/<code>")
@bp.get("/r/<code>")
@no_referrer
@no_store
@limiter.limit(_receipt_guess_limit, deduct_when=_guess_failed)
def receipt_scan(code: str):
    """A printed receipt's QR without a card: keep its code, then on to who served."""
    try:
        row = scanned_receipt(code)
    except ReceiptRefused as refusal:
        _refused(refusal)
        return redirect(url_for("portal.home"), 303)
    session[TILL_KEY] = row.id
    if row.employee_id is not None:
        employee = db.session.get(Employee, row.employee_id)
        return redirect(url_for("portal.card", token=employee.card_token), 303)
    return redirect(url_for("portal.receipt_people"), 303)


@bp.get("/R")
@no_store
def receipt_people():
    """Who served you? The branch's people, for the receipt code a scan kept."""
    code_id = session.get(TILL_KEY)
    row = held_receipt(code_id) if isinstance(code_id, int) else None
    if row is None:
        return redirect(url_for("portal.home"), 303)
    people = who_may_have_served(row)
    return render_template("portal/till_people.html", people=people)
