"""Forms of points, rewards, redemptions, awards and rules; shape only, no business rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from admin.forms import to_choices
from core.labels import choices
from core.models import RewardKind

POINTS_LIMIT = 1_000_000


class AdjustPointsForm(FlaskForm):
    amount = IntegerField(
        _l("Points (negative to take away)"),
        validators=[InputRequired(), NumberRange(min=-POINTS_LIMIT, max=POINTS_LIMIT)],
    )
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(min=3, max=500)])

    def validate_amount(self, field):
        if field.data == 0:
            raise ValidationError(_l("The amount must not be zero."))


class RewardForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    kind = SelectField(_l("Kind"), choices=to_choices(choices(RewardKind)))
    cost = IntegerField(
        _l("Cost in points"), validators=[InputRequired(), NumberRange(min=1, max=POINTS_LIMIT)]
    )
    stock = IntegerField(
        _l("Stock (empty: unlimited)"), validators=[Optional(), NumberRange(min=0, max=100_000)]
    )
    active = BooleanField(_l("Active (shown to employees)"), default=True)

    @property
    def reward_kind(self) -> RewardKind:
        return RewardKind(self.kind.data)


class RedeemForm(FlaskForm):
    """Ask for a reward (an admin for an employee, or the employee on their page)."""

    reward_id = SelectField(_l("Reward"), coerce=int, choices=[])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])


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


class RulesForm(FlaskForm):
    star1 = IntegerField(
        _l("Points for 1 star"), validators=[InputRequired(), NumberRange(0, 1000)]
    )
    star2 = IntegerField(
        _l("Points for 2 stars"), validators=[InputRequired(), NumberRange(0, 1000)]
    )
    star3 = IntegerField(
        _l("Points for 3 stars"), validators=[InputRequired(), NumberRange(0, 1000)]
    )
    star4 = IntegerField(
        _l("Points for 4 stars"), validators=[InputRequired(), NumberRange(0, 1000)]
    )
    star5 = IntegerField(
        _l("Points for 5 stars"), validators=[InputRequired(), NumberRange(0, 1000)]
    )
    surprise_bonus = IntegerField(
        _l("Surprise-service bonus"), validators=[InputRequired(), NumberRange(0, 1000)]
    )

    @property
    def per_star(self) -> list[int]:
        return [self.star1.data, self.star2.data, self.star3.data, self.star4.data, self.star5.data]
