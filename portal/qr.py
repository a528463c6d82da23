"""QR images of a card (SVG for print, PNG for everything else), cached by browsers."""

from flask import abort, make_response, request

from core.extensions import limiter
from core.services.people import cards
from core.services.tokens import sha256_hex
from portal import bp

QR_IMAGE_LIMIT = "60/minute"
# A token's image never changes while the token is current; a day keeps caches fresh enough.
QR_MAX_AGE = 24 * 3600


def _current_card_url(token: str) -> str:
    """The card URL of a current token (active or inactive employee); 404 otherwise."""
    lookup = cards.lookup_card(token)
    if lookup.state not in ("active", "inactive"):
        abort(404)
    return cards.card_url(lookup.employee)


def _image_response(body, mimetype: str, url: str):
    response = make_response(body)
    response.mimetype = mimetype
    # Rendering is deterministic, so the URL and the format identify the bytes.
    response.set_etag(sha256_hex(f"{mimetype} {url}")[:32])
    response.cache_control.public = True
    response.cache_control.max_age = QR_MAX_AGE
    return response.make_conditional(request)


@bp.get("/C/<token>.svg")
@limiter.limit(QR_IMAGE_LIMIT)
def card_qr_svg(token: str):
    """The card's QR code as SVG."""
    url = _current_card_url(token)
    return _image_response(cards.card_qr_svg(url), "image/svg+xml", url)


@bp.get("/C/<token>.png")
@limiter.limit(QR_IMAGE_LIMIT)
def card_qr_png(token: str):
    """The card's QR code as PNG."""
    url = _current_card_url(token)
    return _image_response(cards.card_qr_png(url), "image/png", url)
