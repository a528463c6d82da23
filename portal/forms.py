"""Customer forms: shape checks only (required, ranges, lengths); rules live in services."""

import re
from functools import lru_cache

from babel.support import Translations
from flask import current_app, request
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, StringField, TextAreaField
from wtforms.fields import EmailField, TelField
from wtforms.i18n import messages_path
from wtforms.validators import Length, Regexp, StopValidation, ValidationError

from core.form_bytes import UNREADABLE, redecoded_form
from core.labels import dimension_label
from core.services.settings import current_settings
from scoring.site_settings import Dimension

COMMENT_MAX = 1000
SURPRISE_MAX = 500
STARS = (5, 4, 3, 2, 1)  # DOM order: reversed, so the CSS sibling trick lights lower stars
# Control characters other than tab and newline: never useful, and PostgreSQL rejects NUL.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def star_names() -> dict[int, str]:
    """What a screen reader says for each star radio ("1 star" to "5 stars")."""
    return {n: ngettext("%(num)d star", "%(num)d stars", n) for n in STARS}


def clean_text(value):
    """Drop control characters (NUL included), unify line ends, trim."""
    if not isinstance(value, str):
        return value
    return CONTROL_CHARS.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


@lru_cache(maxsize=8)
def _wtforms_catalogue(locale: str) -> Translations:
    """WTForms' own messages in one locale; the installed .mo files never change."""
    return Translations.load(messages_path(), [locale], domain="wtforms")


def _unreadable(field) -> bool:
    return any(UNREADABLE in value for value in field.raw_data or () if isinstance(value, str))


class CustomerForm(FlaskForm):
    """Base form: a field sent more than once, or with bytes that are not UTF-8, is an
    error with a message, never a silent pick or stored as "%FF" text.

    No CSRF token: the customer path is guarded by Fetch Metadata instead
    (core.security.cross_origin_refusal), so a page needs nothing per visitor.
    """

    class Meta:
        csrf = False

        def get_translations(self, form):
            # Flask-WTF re-reads and parses WTForms' catalogue in every request that
            # builds a form; read it once per locale instead.
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return _wtforms_catalogue(str(get_locale()))

        def wrap_formdata(self, form, formdata):
            sent = super().wrap_formdata(form, formdata)
            # Werkzeug keeps bytes that are not UTF-8 as "%FF" text (or drops a body it
            # cannot decode at all): read the posted form again, marking them U+FFFD.
            if formdata is not None and (sent is None or sent is request.form):
                return redecoded_form() or sent
            return sent

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data, extra_filters, **kwargs)
        sent = self.meta.wrap_formdata(self, formdata)
        self._repeated = set()
        if sent is not None and hasattr(sent, "getlist"):
            self._repeated = {f.name for f in self if len(sent.getlist(f.name)) > 1}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if _unreadable(field):
                # The one message that helps: the text as sent shows U+FFFD marks.
                field.errors = [_("Some characters could not be read. Please check this text.")]
                valid = False
            if field.name in self._repeated:
                field.errors = [*field.errors, _("This field was sent more than once.")]
                valid = False
        return valid


class StarsField(Field):
    """1 to 5 stars from radio inputs; anything else is an error with a message."""

    def __init__(self, label=None, required=False, **kwargs):
        super().__init__(label, **kwargs)
        self.required = required
        self.problem = None

    def process_formdata(self, valuelist):
        self.data, self.problem = None, None
        value = valuelist[0].strip() if valuelist else ""
        if value == "":
            return
        if value.isdecimal() and value.isascii() and int(value) in STARS:
            self.data = int(value)
        else:
            self.problem = _("Choose from 1 to 5 stars.")

    def pre_validate(self, form):
        if self.problem:
            raise StopValidation(self.problem)
        if self.required and self.data is None:
            raise StopValidation(_("Choose how many stars, from 1 to 5."))

    def _value(self):
        return "" if self.data is None else str(self.data)


class RatingForm(CustomerForm):
    """The card page form; dimension fields are added per config by rating_form()."""

    overall = StarsField(_l("Overall satisfaction"), required=True)
    comment = TextAreaField(
        _l("Comment (optional)"),
        filters=[clean_text],
        validators=[
            Length(max=COMMENT_MAX, message=_l("Keep the comment to 1,000 characters or fewer."))
        ],
    )
    surprise = BooleanField(_l("Surprise service: they did something beyond the usual"))
    surprise_text = StringField(
        _l("What did they do?"),
        filters=[clean_text],
        validators=[Length(max=SURPRISE_MAX, message=_l("Keep this to 500 characters or fewer."))],
    )
    consent = BooleanField(_l("You may contact me about this rating"))
    # Honeypot: hidden from people and screen readers; bots fill every field.
    website = StringField(_l("Leave this empty"))

    def validate_website(self, field):
        if field.data:
            raise ValidationError(_("We could not accept this form."))

    def validate_surprise_text(self, field):
        # A claim is judged against the written standard: it needs the customer's words.
        if self.surprise.data and not (field.data or "").strip():
            raise ValidationError(_("Tell us what they did beyond the usual service."))

    # Keys of the dimensions this form asks about, in order (set by rating_form()).
    dimension_keys: tuple[str, ...] = ()

    def dimension_fields(self):
        """The dimension fields, in the order of the settings in force."""
        return [self[f"dim_{key}"] for key in self.dimension_keys]

    def dimension_stars(self) -> dict[str, int]:
        """The dimensions the customer rated (unrated ones are left out)."""
        return {
            key: self[f"dim_{key}"].data
            for key in self.dimension_keys
            if self[f"dim_{key}"].data is not None
        }


def rating_form(**kwargs) -> RatingForm:
    """A RatingForm with one optional StarsField per dimension of the settings in force."""
    return _rating_form_class(current_settings().dimensions)(**kwargs)


@lru_cache(maxsize=16)
def _rating_form_class(dimensions: tuple[Dimension, ...]) -> type[RatingForm]:
    # One class per dimension set: building it (and WTForms' field list) per request
    # cost more than the rest of the form. Labels stay lazy, so the locale is per request.
    class ConfiguredRatingForm(RatingForm):
        dimension_keys = tuple(dimension.key for dimension in dimensions)

    for dimension in dimensions:
        field = StarsField(dimension_label(dimension))
        setattr(ConfiguredRatingForm, f"dim_{dimension.key}", field)
    return ConfiguredRatingForm


class EmailCodeForm(CustomerForm):
    email = EmailField(
        _l("Email address"), filters=[clean_text], render_kw={"autocomplete": "email"}
    )


class SmsCodeForm(CustomerForm):
    phone = TelField(_l("Mobile number"), filters=[clean_text], render_kw={"autocomplete": "tel"})


class ReceiptForm(CustomerForm):
    receipt_code = StringField(
        _l("Receipt code"),
        filters=[clean_text],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


def bare_code(value):
    """The digits of a typed code, without the prefix ("A-123456") or spaces."""
    if not isinstance(value, str):
        return value
    value = re.sub(r"\s", "", clean_text(value))
    return re.sub(r"^[A-Za-z]-?", "", value)


class CodeForm(CustomerForm):
    code = StringField(
        _l("Code"),
        filters=[bare_code],
        validators=[Regexp(r"^[0-9]{6}$", message=_l("Enter the 6 digits of the code."))],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 12},
    )
