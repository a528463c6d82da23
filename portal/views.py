"""Customer pages: home, the card page with the rating form, the thank-you pages."""

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from core.client_address import client_address
from core.extensions import db, limiter
from core.i18n import current_locale_code
from core.models import Employee, Rating, RatingClaim, RatingStatus, SurpriseStatus
from core.security import no_referrer, no_store
from core.services.people.cards import lookup_card
from core.services.people.photos import photos_dir
from core.services.periods import current_period_key
from core.services.ratings.followups import (
    NoCallbackWanted,
    leave_callback_contact,
    needs_callback_contact,
)
from core.services.ratings.identity import InvalidContact, client_hash
from core.services.ratings.submission import (
    FOLLOWUP_MAX_OVERALL,
    AlreadyRated,
    RatingInput,
    SelfRating,
    StoredRating,
    rated_already,
    submit_rating,
    submit_remembered,
)
from portal import bp
from portal.callback import CallbackForm
from portal.card_page import (
    cacheable_response,
    fresh_card_page,
    private_response,
    render_card_page,
)
from portal.device import (
    ALREADY_KEY,
    DEVICE_COOKIE,
    DONE_KEY,
    hold_pending,
    mark_already,
    mark_done,
    pending_id,
    remember_device,
    remembered_customer,
)
from portal.forms import rating_form
from portal.till import TILL_KEY, held_code_for, store_with_held_code

# Status of the clear page shown for a card that cannot be rated (texts in card_state.html).
CARD_STATUS = {"unknown": 404, "retired": 410, "inactive": 404}


def _rating_post_limit() -> str:
    return current_app.config["RATING_POST_LIMIT"]


@bp.get("/")
def home():
    """The landing page for someone who opens the site without a card."""
    return render_template("portal/home.html")


def _card_refusal(state: str):
    """The clear page for a card that cannot be rated (unknown, retired, inactive)."""
    return render_template("portal/card_state.html", state=state), CARD_STATUS[state]


def _device() -> tuple[str, bool]:
    """What tells this browser from others when it holds no cookie of ours yet (a double
    tap's second POST leaves before the first answer), and whether it is bound to this
    browser: the verified-device cookie or a held till code, which others cannot show."""
    device_cookie, till = request.cookies.get(DEVICE_COOKIE, ""), session.get(TILL_KEY)
    bound = f"{device_cookie}|{till or ''}" if (device_cookie or till) else ""
    agent = request.headers.get("User-Agent", "")
    return f"{client_address()}|{agent}|{bound}", bool(bound)


def _rating_input(form) -> RatingInput:
    device, bound = _device()
    return RatingInput(
        overall=form.overall.data,
        stars=form.dimension_stars(),
        comment=form.comment.data or "",
        surprise=form.surprise.data,
        surprise_text=form.surprise_text.data or "",
        consent=form.consent.data,
        locale=current_locale_code(),
        client_hash=client_hash(request.remote_addr),
        device=device,
        device_bound=bound,
        held_pending=pending_id(),
    )


def _prefill(form, employee: Employee) -> None:
    """Put back what this browser typed for this employee and has not verified yet."""
    rating = db.session.get(Rating, pending_id()) if pending_id() else None
    if rating is None or rating.employee_id != employee.id:
        return
    if rating.status is not RatingStatus.PENDING:
        return
    form.overall.data = rating.overall
    for star in rating.stars:
        if f"dim_{star.dimension}" in form:
            form[f"dim_{star.dimension}"].data = star.stars
    form.comment.data, form.surprise_text.data = rating.comment, rating.surprise_text
    form.surprise.data = rating.surprise_status is SurpriseStatus.CLAIMED
    form.consent.data = rating.consent_contact


def _store_usual_way(employee: Employee, data: RatingInput) -> StoredRating:
    customer = remembered_customer()
    if customer:
        return submit_remembered(employee, data, customer)
    return submit_rating(employee, data)


def _store(employee: Employee, form):
    """Store the rating: verified at once with a till QR's code or on a remembered device,
    else pending."""
    data = _rating_input(form)
    try:
        rating = store_with_held_code(employee, data) or _store_usual_way(employee, data)
    except AlreadyRated as refusal:
        mark_already(str(refusal))
        return redirect(url_for("portal.already_rated"))
    if rating.status is RatingStatus.VERIFIED:
        mark_done(rating.id)
        return redirect(url_for("portal.thanks"))
    hold_pending(rating.id)
    return redirect(url_for("portal.verify"))


def _verified_for_visit(employee: Employee) -> dict | None:
    """What the card page says of this visit's verification; None when already rated.

    A till QR's code makes a new customer, so it is checked first; a remembered device
    that already rated this employee this period is told so before typing anything.
    """
    if held_code_for(employee) is not None:
        notice = _("Verified for this visit by your receipt: rate and send, no code to type.")
        return {"notice": notice, "till_verified": True}
    customer = remembered_customer()
    if customer and rated_already(employee, customer):
        return None
    return {"till_verified": bool(customer)}


# Lowercase path too (typed by hand); registered second, so url_for builds "/C/".
@bp.get("/c/<token>")
@bp.get("/C/<token>")
@no_referrer
def card(token: str):
    """The card page a QR code opens: the employee and the rating form.

    A fresh scan gets the shared, cacheable page (portal/card_page.py); a browser with
    something of its own to see (a draft, a till code, a verified device) a private one.
    """
    if (page := fresh_card_page(token)) is not None:
        return cacheable_response(page)
    found = lookup_card(token)
    if found.state != "active":
        return _card_refusal(found.state)
    verified = _verified_for_visit(found.employee)
    if verified is None:
        message = str(AlreadyRated(found.employee))
        return private_response(render_template("portal/already.html", message=message), 200)
    form = rating_form(formdata=None)
    _prefill(form, found.employee)
    return private_response(render_card_page(found.employee, form, **verified), 200)


@bp.post("/c/<token>")
@bp.post("/C/<token>")
@no_referrer
@limiter.limit(_rating_post_limit)
def submit_card(token: str):
    """Store a rating from the card page, then on to verification (or thanks)."""
    found = lookup_card(token)
    if found.state != "active":
        return _card_refusal(found.state)
    form = rating_form()
    if form.validate():
        try:
            return _store(found.employee, form)
        except SelfRating as refusal:
            form.overall.errors = [str(refusal)]
    return render_card_page(
        found.employee, form, **(_verified_for_visit(found.employee) or {})
    ), 422


@bp.get("/C/<token>/photo")
@no_referrer
def card_photo(token: str):
    """The photo of an active card's employee, cached by the browser for a day."""
    found = lookup_card(token)
    if found.state != "active" or not found.employee.photo:
        abort(404)
    response = send_from_directory(photos_dir(), found.employee.photo, mimetype="image/jpeg")
    response.cache_control.max_age = 86400
    return response


def _other_employees(rated: Rating, customer: str | None) -> list[Employee]:
    """Active colleagues of the same branch this customer has not rated this period."""
    query = select(Employee).where(
        Employee.branch_id == rated.branch_id,
        Employee.active.is_(True),
        Employee.id != rated.employee_id,
    )
    if customer:
        rated_ids = select(RatingClaim.employee_id).where(
            RatingClaim.customer_hash == customer, RatingClaim.period_key == current_period_key()
        )
        query = query.where(Employee.id.not_in(rated_ids))
    return list(db.session.scalars(query.order_by(Employee.display_name)))


def _thanks_page(rating: Rating, callback_form: CallbackForm | None = None, status: int = 200):
    """Thanks, sorry for a low rating, where to call back, and colleagues to rate next."""
    if callback_form is None and needs_callback_contact(rating):
        callback_form = CallbackForm(formdata=None)
    page = render_template(
        "portal/thanks.html",
        rating=rating,
        others=_other_employees(rating, rating.customer_hash),
        low=rating.overall <= FOLLOWUP_MAX_OVERALL,
        callback_form=callback_form,
    )
    return remember_device(current_app.make_response((page, status)), rating.customer_hash)


def _thanked_rating() -> Rating | None:
    rating = db.session.get(Rating, session.get(DONE_KEY) or 0)
    return rating if rating is not None and rating.status is RatingStatus.VERIFIED else None


@bp.get("/v/thanks")
@no_store
def thanks():
    """After a verified rating: thanks, colleagues to rate next; remembers the device."""
    rating = _thanked_rating()
    if rating is None:
        return render_template(
            "portal/closed.html", message=_("There is nothing to show here.")
        ), 404
    return _thanks_page(rating)


@bp.post("/v/thanks/contact")
@no_store
@limiter.limit(_rating_post_limit)
def thanks_contact():
    """Keep the phone or email a low-rating customer left to be called back on."""
    rating = _thanked_rating()
    if rating is None:
        return redirect(url_for("portal.thanks"), 303)
    form = CallbackForm()
    if form.validate_on_submit():
        try:
            leave_callback_contact(rating.id, form.contact.data)
        except InvalidContact as error:
            form.contact.errors = [*form.contact.errors, str(error)]
            return _thanks_page(rating, form, 422)
        except NoCallbackWanted:
            pass  # given already by a repeated form: the thanks page says so
        return redirect(url_for("portal.thanks"), 303)
    return _thanks_page(rating, form, 422)


@bp.get("/v/already")
@no_store
def already_rated():
    """The page that says this customer has rated this employee already this period."""
    message = session.get(ALREADY_KEY)
    if not message:
        return render_template(
            "portal/closed.html", message=_("There is nothing to show here.")
        ), 404
    return render_template("portal/already.html", message=message)
