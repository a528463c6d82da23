"""The admin's answer to an objection: shape only (which answers fit: the service decides)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from core.labels import LABELS
from core.models import ObjectionRemedy
from core.services.notices.objections import ANSWER_MAX, DISMISS


class AnswerObjectionForm(FlaskForm):
    decision = RadioField(_l("Answer"), choices=[], validators=[InputRequired()])
    answer = TextAreaField(
        _l("Reason, shown to the employee"),
        validators=[InputRequired(), Length(max=ANSWER_MAX)],
    )

    def offer(self, remedies: tuple[ObjectionRemedy, ...]) -> "AnswerObjectionForm":
        """Offer the remedies that fit the result, and dismissal."""
        labels = LABELS[ObjectionRemedy]
        self.decision.choices = [
            *((r.value, _l("Uphold: %(remedy)s", remedy=labels[r])) for r in remedies),
            (DISMISS, _l("Dismiss")),
        ]
        return self
