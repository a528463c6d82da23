"""What the customer's browser remembers: the pending rating, and a verified device.

- The pending rating id lives in the Flask session (a signed cookie), so a failed or
  late verification finds the rating and everything typed still there. Nothing of the
  customer's contact goes in it: the cookie is signed, not encrypted, so anyone holding
  it can read it; the code page reads where the code went (masked) from the code row.
- After a successful verification the device gets its own signed cookie carrying the
  customer's identity hash and the period, valid until the period ends, so a second
  rating this period needs no second code (the once-only rule still applies).
"""

from flask import current_app, request, session
from itsdangerous import BadSignature, URLSafeSerializer

from core.services.periods import current_period_key, seconds_left_in_period

DEVICE_COOKIE = "verified_device"
DEVICE_SALT = "service-star verified device"
PENDING_KEY = "pending_rating"
DONE_KEY = "verified_rating"
ALREADY_KEY = "already_rated"
# Held the contact itself in older versions: dropped wherever the pending rating changes.
LEGACY_CONTACT_KEY = "code_sent_to"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def remembered_customer() -> str | None:
    """The identity hash of this verified device, if its cookie is valid for this period."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value:
        return None
    period = current_period_key()
    try:
        # The period inside the signed value bounds its life; the browser expiry is a courtesy.
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("p") != period or not data.get("h"):
        return None
    return str(data["h"])


def remember_device(response, customer_hash: str):
    """Set the verified-device cookie until the end of the current period."""
    period = current_period_key()
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps({"h": customer_hash, "p": period}),
        max_age=seconds_left_in_period(period),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def hold_pending(rating_id: int) -> None:
    """Remember the rating waiting for verification (and forget any earlier one)."""
    session[PENDING_KEY] = rating_id
    session.pop(LEGACY_CONTACT_KEY, None)


def pending_id() -> int | None:
    """The id of the rating this browser is verifying, if any."""
    value = session.get(PENDING_KEY)
    return value if isinstance(value, int) else None


def mark_done(rating_id: int) -> None:
    """The rating is verified: forget it as pending and thank for it."""
    session.pop(PENDING_KEY, None)
    session.pop(LEGACY_CONTACT_KEY, None)
    session[DONE_KEY] = rating_id


def mark_already(message: str) -> None:
    """Keep the friendly already-rated message for the page that shows it."""
    session.pop(PENDING_KEY, None)
    session.pop(LEGACY_CONTACT_KEY, None)
    session[ALREADY_KEY] = message
