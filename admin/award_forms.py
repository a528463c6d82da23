"""Forms of award periods and their winners; shape only, no business rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.forms import NameSelectField
from core.services.notices.announcements import NOTICE_DAYS_MAX


class AwardPeriodForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    notice_days = IntegerField(
        _l("Public notice of the results (days; 0: final at once)"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=NOTICE_DAYS_MAX)],
        filters=[lambda days: 0 if days is None else days],  # left empty: no notice
    )

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))


class WinnerForm(FlaskForm):
    employee_id = NameSelectField(_l("Employee"), coerce=int, choices=[])
    citation = TextAreaField(_l("Citation"), validators=[InputRequired(), Length(max=1000)])
    override_reason = TextAreaField(
        _l("Reason to pick a candidate who is not eligible"),
        validators=[Optional(), Length(max=500)],
    )


class QuotaForm(FlaskForm):
    winner_quota = IntegerField(
        _l("Winners allowed"), validators=[InputRequired(), NumberRange(min=1, max=50)]
    )


class PublishForm(FlaskForm):
    early = BooleanField(_l("Publish early (the period is still running)"))
    early_reason = TextAreaField(
        _l("Reason to publish early"), validators=[Optional(), Length(max=500)]
    )
