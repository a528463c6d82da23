"""Verification pages: choose a method, receive a code, type it (or a receipt code)."""

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address

from core.extensions import limiter
from core.models import Channel, Rating
from core.security import no_store
from core.services import DomainError
from core.services.ratings.identity import InvalidContact, contact_identity
from core.services.ratings.one_time_codes import active_code, send_code, verify_with_code
from core.services.ratings.receipt_codes import UnknownReceiptCode, verify_with_receipt
from core.services.ratings.submission import AlreadyRated, RatingClosed, pending_rating
from portal import bp
from portal.device import SENT_KEY, mark_already, mark_done, pending_id
from portal.forms import CodeForm, EmailCodeForm, ReceiptForm, SmsCodeForm

CHANNEL_FIELDS = {Channel.EMAIL: "email", Channel.SMS: "phone"}


def _send_limit() -> str:
    return current_app.config["CODE_SEND_LIMIT"]


def _check_limit() -> str:
    return current_app.config["CODE_CHECK_LIMIT"]


def _receipt_guess_limit() -> str:
    return current_app.config["RECEIPT_GUESS_LIMIT"]


def _contact_key(kind: str, field: str):
    """Rate-limit key: the identity hash of the contact typed (the address when invalid)."""

    def key() -> str:
        try:
            return "identity:" + contact_identity(kind, request.form.get(field, ""))[1]
        except InvalidContact:
            return "address:" + get_remote_address()

    return key


def _code_identity_key() -> str:
    """Rate-limit key for checking codes: whom the pending code was sent to."""
    code = active_code(pending_id()) if pending_id() else None
    return "identity:" + code.identity_hash if code else "address:" + get_remote_address()


def _guess_failed(_response) -> bool:
    return bool(g.get("receipt_guess_failed"))


def _methods() -> tuple[str, ...]:
    return current_app.config["VERIFY_METHODS"]


def _closed_page(message: str):
    return render_template("portal/closed.html", message=message), 410


def _verify_page(rating: Rating, status: int = 200, **forms):
    """The method choice page, with any form passed in re-rendered with its errors."""
    forms.setdefault("email_form", EmailCodeForm(formdata=None))
    forms.setdefault("sms_form", SmsCodeForm(formdata=None))
    forms.setdefault("receipt_form", ReceiptForm(formdata=None))
    code = active_code(rating.id)
    return render_template(
        "portal/verify.html", rating=rating, methods=_methods(), code=code, **forms
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
            sent = send_code(rating.id, channel, field.data)
        except DomainError as error:
            page = _refused(error, form, field)
            if page:
                return page
        else:
            session[SENT_KEY] = sent.contact
            return redirect(url_for("portal.enter_code"))
    return _verify_page(
        rating, 422, **{f"{'sms' if channel is Channel.SMS else 'email'}_form": form}
    )


@bp.post("/v/email")
@no_store
@limiter.limit(_send_limit)
@limiter.limit(_send_limit, key_func=_contact_key("email", "email"))
def send_email_code():
    """Send a one-time code to the email address typed in."""
    return _send(Channel.EMAIL, EmailCodeForm())


@bp.post("/v/sms")
@no_store
@limiter.limit(_send_limit)
@limiter.limit(_send_limit, key_func=_contact_key("phone", "phone"))
def send_sms_code():
    """Send a one-time code to the phone number typed in."""
    return _send(Channel.SMS, SmsCodeForm())


@bp.route("/v/code", methods=["GET", "POST"])
@no_store
@limiter.limit(_check_limit, methods=["POST"])
@limiter.limit(_check_limit, methods=["POST"], key_func=_code_identity_key)
def enter_code():
    """Type the one-time code; a right one verifies and counts the rating."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            rating = verify_with_code(pending_id() or 0, form.code.data)
        except DomainError as error:
            page = _refused(error, form, form.code)
            if page:
                return page
        else:
            mark_done(rating.id)
            return redirect(url_for("portal.thanks"))
    rating, page = _current_rating()
    if page:
        # A replayed or late code: say what was wrong with it, not only that the rating is gone.
        return _closed_page(" ".join(form.code.errors)) if form.code.errors else page
    status = 200 if request.method == "GET" else 422
    return render_template(
        "portal/code.html", rating=rating, form=form, code=active_code(rating.id),
        sent_to=session.get(SENT_KEY, ""),
    ), status  # fmt: skip


@bp.post("/v/receipt")
@no_store
@limiter.limit(_check_limit)
@limiter.limit(_receipt_guess_limit, key_func=lambda: "receipt-guesses", deduct_when=_guess_failed)
def verify_receipt():
    """Verify the pending rating with a code printed on the receipt."""
    rating, page = _current_rating()
    if page:
        return page
    form = ReceiptForm()
    if "receipt" not in _methods():
        return _verify_page(rating, 404)
    if form.validate_on_submit():
        try:
            rating = verify_with_receipt(rating.id, form.receipt_code.data)
        except DomainError as error:
            g.receipt_guess_failed = isinstance(error, UnknownReceiptCode)
            page = _refused(error, form, form.receipt_code)
            if page:
                return page
        else:
            mark_done(rating.id)
            return redirect(url_for("portal.thanks"))
    return _verify_page(rating, 422, receipt_form=form)
