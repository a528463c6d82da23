"""Forms of points, rewards and the points rules; shape only, no business rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
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
STANDARD_MAX = 4000  # scoring.points.STANDARD_MAX
TIER_COUNT = 4  # the rules form edits four score tiers


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
    min_tier = IntegerField(
        _l("Reserved for score tier and up (empty: everyone)"),
        validators=[Optional(), NumberRange(1, TIER_COUNT)],
    )

    @property
    def reward_kind(self) -> RewardKind:
        return RewardKind(self.kind.data)


def _points_field(label):
    return IntegerField(label, validators=[InputRequired(), NumberRange(0, 1000)])


def _multiplier_field(label):
    return FloatField(label, validators=[InputRequired(), NumberRange(1, 3)])


class RulesForm(FlaskForm):
    star1 = _points_field(_l("Points for 1 star"))
    star2 = _points_field(_l("Points for 2 stars"))
    star3 = _points_field(_l("Points for 3 stars"))
    star4 = _points_field(_l("Points for 4 stars"))
    star5 = _points_field(_l("Points for 5 stars"))
    surprise_bonus = _points_field(_l("Surprise-service bonus"))

    # Score tiers (scoring.tiers): the first starts at 1.0, so it has no "from" field.
    tier2_min = FloatField(_l("Tier 2 from score"), validators=[InputRequired(), NumberRange(1, 5)])
    tier3_min = FloatField(_l("Tier 3 from score"), validators=[InputRequired(), NumberRange(1, 5)])
    tier4_min = FloatField(_l("Tier 4 from score"), validators=[InputRequired(), NumberRange(1, 5)])
    tier1_multiplier = _multiplier_field(_l("Tier 1 points multiplier"))
    tier2_multiplier = _multiplier_field(_l("Tier 2 points multiplier"))
    tier3_multiplier = _multiplier_field(_l("Tier 3 points multiplier"))
    tier4_multiplier = _multiplier_field(_l("Tier 4 points multiplier"))
    tier1_bonus = _points_field(_l("Tier 1 period-end bonus"))
    tier2_bonus = _points_field(_l("Tier 2 period-end bonus"))
    tier3_bonus = _points_field(_l("Tier 3 period-end bonus"))
    tier4_bonus = _points_field(_l("Tier 4 period-end bonus"))

    surprise_cap = IntegerField(
        _l("Surprise bonuses per employee and period (empty: no cap)"),
        validators=[Optional(), NumberRange(1, 100)],
    )
    standard_en = TextAreaField(
        _l("Surprise-service standard, in English"), validators=[Length(max=STANDARD_MAX)]
    )
    standard_zh_CN = TextAreaField(
        _l("Surprise-service standard, in Chinese"), validators=[Length(max=STANDARD_MAX)]
    )

    @property
    def per_star(self) -> list[int]:
        return [self.star1.data, self.star2.data, self.star3.data, self.star4.data, self.star5.data]

    @property
    def tiers(self) -> list[dict]:
        """The tiers as scoring.tiers reads them."""
        return [
            {
                "min_score": 1.0 if n == 1 else self[f"tier{n}_min"].data,
                "multiplier": self[f"tier{n}_multiplier"].data,
                "bonus": self[f"tier{n}_bonus"].data,
            }
            for n in range(1, TIER_COUNT + 1)
        ]

    @property
    def surprise_standard(self) -> dict[str, str]:
        texts = {"en": self.standard_en.data, "zh_CN": self.standard_zh_CN.data}
        return {locale: text.strip() for locale, text in texts.items() if (text or "").strip()}

    @classmethod
    def data_of(cls, rules) -> dict:
        """Form data showing these points rules."""
        data = {f"star{n}": points for n, points in enumerate(rules.per_star, start=1)}
        data["surprise_bonus"] = rules.surprise_bonus
        data["surprise_cap"] = rules.surprise_cap
        standard = dict(rules.surprise_standard)
        data["standard_en"] = standard.get("en", "")
        data["standard_zh_CN"] = standard.get("zh_CN", "")
        for n, tier in enumerate(rules.tiers[:TIER_COUNT], start=1):
            data.update({f"tier{n}_multiplier": tier.multiplier, f"tier{n}_bonus": tier.bonus})
            if n > 1:
                data[f"tier{n}_min"] = tier.min_score
        return data


class ClosePeriodForm(FlaskForm):
    period = SelectField(_l("Period"), choices=[])
