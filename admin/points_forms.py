"""Forms of points, rewards and the points rules; shape only, no business rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.forms import to_choices
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


def _points_field(label):
    return IntegerField(label, validators=[InputRequired(), NumberRange(0, 1000)])


class RulesForm(FlaskForm):
    star1 = _points_field(_l("Points for 1 star"))
    star2 = _points_field(_l("Points for 2 stars"))
    star3 = _points_field(_l("Points for 3 stars"))
    star4 = _points_field(_l("Points for 4 stars"))
    star5 = _points_field(_l("Points for 5 stars"))
    surprise_bonus = _points_field(_l("Surprise-service bonus"))

    @property
    def per_star(self) -> list[int]:
        return [self.star1.data, self.star2.data, self.star3.data, self.star4.data, self.star5.data]
