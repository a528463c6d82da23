"""The form on the thank-you page that asks a low-rating customer where to call back."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from portal.forms import CustomerForm, clean_text

CONTACT_INPUT_MAX = 254


class CallbackForm(CustomerForm):
    """One field, a phone number or an email address; the service checks which and whether
    it can be used (core.services.ratings.followups.callback_contact)."""

    contact = StringField(
        _l("Phone number or email address"),
        filters=[clean_text],
        render_kw={"autocomplete": "on", "maxlength": CONTACT_INPUT_MAX, "spellcheck": "false"},
    )
