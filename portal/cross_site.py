"""CSRF on the customer path without tokens: Fetch Metadata (core.security).

The whole blueprint is exempt from Flask-WTF's token check, so a card page carries
nothing per visitor and can be cached; instead every unsafe request is checked for
where the browser says it came from. A refusal keeps the customer's place: the card
form comes back with what was posted, a verification step links back to the draft.
Nothing is stored.
"""

from flask import render_template, request, url_for
from flask_babel import gettext as _

from core.extensions import csrf
from core.security import cross_origin_refusal
from core.services.people.cards import lookup_card
from portal import bp
from portal.card_page import render_card_page
from portal.forms import rating_form
from portal.limits import BACK_TO

FORBIDDEN = 403
THANKS = {"portal.thanks_contact": "portal.thanks"}

csrf.exempt(bp)


def _notice() -> str:
    return _(
        "This form was sent from another website, so it was not accepted. If you meant "
        "to send it, please send it again from this page."
    )


def _card_again():
    """The card form with what was posted; None when the card cannot be rated."""
    found = lookup_card((request.view_args or {}).get("token", ""))
    if found.state != "active":
        return None
    return render_card_page(found.employee, rating_form(), notice=_notice())


def _refusal_page() -> str:
    page = _card_again() if request.endpoint == "portal.submit_card" else None
    if page is not None:
        return page
    back = url_for({**BACK_TO, **THANKS}.get(request.endpoint, "portal.home"))
    return render_template("portal/cross_site.html", notice=_notice(), back=back)


@bp.before_request
def refuse_cross_site():
    """Refuse an unsafe request another site's page made the browser send."""
    if cross_origin_refusal():
        return _refusal_page(), FORBIDDEN
    return None
