"""Forms of the employees' private pages: they check shape, not business rules.

Two forms are shared with the admin area, where an admin fills them in on an employee's
behalf: RedeemForm and RegistrationForm (core.forms).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from core.forms import MultiCheckboxField, ten_point_field, text_field
from core.services.notices.objections import REASON_MAX, REASON_MIN

SELF_CRITERIA = ("performance", "growth", "self_management")


class CancelRequestForm(FlaskForm):
    """A button (with its CSRF token) that withdraws an open reward request."""


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Your reply"), validators=[InputRequired(), Length(min=2, max=1000)])


class DisputeForm(FlaskForm):
    reason = TextAreaField(
        _l("Why this rating is wrong"), validators=[InputRequired(), Length(min=10, max=1000)]
    )


class BallotForm(FlaskForm):
    candidate_ids = MultiCheckboxField(_l("Colleagues"), coerce=int, choices=[])


class SelfEvaluationForm(FlaskForm):
    performance, growth, self_management = (ten_point_field(c) for c in SELF_CRITERIA)
    reasons = text_field(_l("Reasons"))
    improvements = text_field(_l("Improvement steps"))


class ObjectionForm(FlaskForm):
    reason = TextAreaField(
        _l("Why these results are wrong"),
        validators=[InputRequired(), Length(min=REASON_MIN, max=REASON_MAX)],
    )
