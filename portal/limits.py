"""A customer who hits a rate limit keeps their place: how long to wait, and the way back.

The draft is never lost: on the verification pages it is the pending rating (kept on the
server), so the page links back to where the customer was; on the card page the form is
shown again with everything they posted. Other endpoints get the generic page.
"""

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _

from core.errors import handle_http_error, retry_after, seconds_until_limit_resets
from core.services.people.cards import lookup_card
from core.waits import wait_text
from portal import bp
from portal.card_page import render_card_page
from portal.forms import rating_form

# Where a customer limited on a verification step goes back to, the draft intact.
BACK_TO = {
    "portal.send_email_code": "portal.verify",
    "portal.send_sms_code": "portal.verify",
    "portal.verify_receipt": "portal.verify",
    "portal.enter_code": "portal.enter_code",
}
# When the limit storage cannot say when the limit resets (it failed since the breach).
UNKNOWN_WAIT_SECONDS = 60


def _card_again(wait: str):
    """The card form again, with what was posted and the wait; None when the card is gone."""
    found = lookup_card((request.view_args or {}).get("token", ""))
    if found.state != "active":
        return None
    flash(
        _("Many ratings were sent from this network just now. Please send yours again in "
          "%(wait)s: what you wrote is still here.", wait=wait),
        "error",
    )  # fmt: skip
    return render_card_page(found.employee, rating_form())


def _verify_step_again(back: str, wait: str) -> str:
    notice = _(
        "Many people are confirming from this network right now. Please try again in "
        "%(wait)s: your rating is kept.",
        wait=wait,
    )
    return render_template("portal/limited.html", notice=notice, back=url_for(back))


@bp.errorhandler(429)
def too_many_requests(error):
    """The place-keeping 429 page of the customer path (elsewhere: the generic one)."""
    seconds = seconds_until_limit_resets()
    wait = wait_text(seconds or UNKNOWN_WAIT_SECONDS)
    page = None
    if request.endpoint == "portal.submit_card":
        page = _card_again(wait)
    elif request.endpoint in BACK_TO:
        page = _verify_step_again(BACK_TO[request.endpoint], wait)
    if page is None:
        return handle_http_error(error)
    return page, 429, retry_after(seconds)
