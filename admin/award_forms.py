"""Forms of award periods and their winners; shape only, no business rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError


class AwardPeriodForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))


class WinnerForm(FlaskForm):
    employee_id = SelectField(_l("Employee"), coerce=int, choices=[])
    citation = TextAreaField(_l("Citation"), validators=[InputRequired(), Length(max=1000)])
