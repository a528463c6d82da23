"""Verification pages: choose a method, receive a code, type it (or a receipt code).

Per-address limits here are generous (a branch's customers may share one address); the
caps per pending rating and per destination (core/services/ratings/code_limits.py) carry
the security. Wrong receipt codes are throttled per client address and per pending
rating, and only failures count, so nobody's guesses can lock out another customer.
"""

from flask import current_app, g, redirect, render_template, request, url_for

from core.extensions import db, limiter
from core.i18n import current_locale_code
from core.models import Channel, Rating
from core.security import no_store
from core.services import DomainError
from core.services.ratings.one_time_codes import active_code, send_code, verify_with_code
from core.services.ratings.receipt_codes import UnknownReceiptCode
from core.services.ratings.receipt_taps import confirm_with_receipt
from core.services.ratings.submission import AlreadyRated, RatingClosed, pending_rating
from core.services.settings import current_settings
from portal import bp
from portal.device import mark_already, mark_done, pending_id
from portal.forms import CodeForm, EmailCodeForm, ReceiptForm, SmsCodeForm

CHANNEL_FIELDS = {Channel.EMAIL: "email", Channel.SMS: "phone"}
CODE_METHODS = ("email", "sms")


def _send_limit() -> str:
    return current_app.config["CODE_SEND_LIMIT"]


def _check_limit() -> str:
    return current_app.config["CODE_CHECK_LIMIT"]


def _receipt_guess_limit() -> str:
    return current_app.config["RECEIPT_GUESS_LIMIT"]


def _pending_rating_key() -> str:
    """Rate-limit key of this browser's pending rating (its public id, random and unique)."""
    rating = db.session.get(Rating, pending_id()) if pending_id() else None
    return "rating:" + (rating.submission_key if rating else "none")


def _guess_failed(_response) -> bool:
    return bool(g.get("receipt_guess_failed"))


def _methods() -> tuple[str, ...]:
    return current_settings().verify_methods


def offered_methods() -> list[str]:
    """The enabled methods in the order offered: SMS first where SMS is the habit."""
    sms_first = current_locale_code() in current_app.config["SMS_FIRST_LOCALES"]
    codes = reversed(CODE_METHODS) if sms_first else CODE_METHODS
    return [method for method in (*codes, "receipt") if method in _methods()]


def _closed_page(message: str):
    return render_template("portal/closed.html", message=message), 410


def _verify_page(rating: Rating, status: int = 200, **forms):
    """The method choice page, with any form passed in re-rendered with its errors."""
    forms.setdefault("email_form", EmailCodeForm(formdata=None))
    forms.setdefault("sms_form", SmsCodeForm(formdata=None))
    forms.setdefault("receipt_form", ReceiptForm(formdata=None))
    code = active_code(rating.id)
    return render_template(
        "portal/verify.html", rating=rating, methods=offered_methods(), code=code, **forms
    ), status


def _refused(error: DomainError, form, field):
    """Turn a service refusal into a page: already rated, closed, or a field error."""
    if isinstance(error, AlreadyRated):
        mark_already(str(error))
        return redirect(url_for("portal.already_rated"))
    if isinstance(error, RatingClosed):
        return _closed_page(str(error))
    field.errors = [*field.errors, str(error)]
    return None


def _current_rating():
    """The pending rating of this browser, or the page that says it is gone."""
    try:
        return pending_rating(pending_id()), None
    except RatingClosed as closed:
        return None, _closed_page(str(closed))


def _thanks(rating: Rating):
    mark_done(rating.id)
    return redirect(url_for("portal.thanks"))


@bp.get("/v")
@no_store
def verify():
    """The choice of how to verify the pending rating: email, SMS or receipt code."""
    rating, page = _current_rating()
    return page or _verify_page(rating)


def _send(channel: Channel, form):
    rating, page = _current_rating()
    if page:
        return page
    if channel.value not in _methods():
        return _verify_page(rating, 404)
    field = form[CHANNEL_FIELDS[channel]]
    if form.validate_on_submit():
        try:
            send_code(rating.id, channel, field.data)
        except DomainError as error:
            page = _refused(error, form, field)
            if page:
                return page
        else:
            return redirect(url_for("portal.enter_code"))
    return _verify_page(
        rating, 422, **{f"{'sms' if channel is Channel.SMS else 'email'}_form": form}
    )


@bp.post("/v/email")
@no_store
@limiter.limit(_send_limit)
def send_email_code():
    """Send a one-time code to the email address typed in."""
    return _send(Channel.EMAIL, EmailCodeForm())


@bp.post("/v/sms")
@no_store
@limiter.limit(_send_limit)
def send_sms_code():
    """Send a one-time code to the phone number typed in."""
    return _send(Channel.SMS, SmsCodeForm())


@bp.route("/v/code", methods=["GET", "POST"])
@no_store
@limiter.limit(_check_limit, methods=["POST"])
def enter_code():
    """Type the one-time code; a right one verifies and counts the rating (a second tap too)."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            return _thanks(verify_with_code(pending_id() or 0, form.code.data))
        except DomainError as error:
            page = _refused(error, form, form.code)
            if page:
                return page
    rating, page = _current_rating()
    if page:
        # A replayed or late code: say what was wrong with it, not only that the rating is gone.
        return _closed_page(" ".join(form.code.errors)) if form.code.errors else page
    status = 200 if request.method == "GET" else 422
    return render_template(
        "portal/code.html", rating=rating, form=form, code=active_code(rating.id)
    ), status


@bp.post("/v/receipt")
@no_store
@limiter.limit(_check_limit)
@limiter.limit(_receipt_guess_limit, deduct_when=_guess_failed)
@limiter.limit(_receipt_guess_limit, key_func=_pending_rating_key, deduct_when=_guess_failed)
def verify_receipt():
    """Verify the pending rating with a code printed on the receipt (a second tap too)."""
    g.receipt_guess_failed = False  # g may outlive the request (an app context held open)
    form = ReceiptForm()
    if "receipt" in _methods() and form.validate_on_submit():
        try:
            return _thanks(confirm_with_receipt(pending_id() or 0, form.receipt_code.data))
        except DomainError as error:
            g.receipt_guess_failed = isinstance(error, UnknownReceiptCode)
            page = _refused(error, form, form.receipt_code)
            if page:
                return page
    rating, page = _current_rating()
    if page:
        return page
    status = 422 if "receipt" in _methods() else 404
    return _verify_page(rating, status, receipt_form=form)
