"""Forms of winners' rewards (place rewards, commitments); shape only, no business rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.forms import NameSelectField, to_choices
from core.labels import choices
from core.models import CommitmentKind, PlaceRewardKind

NONE_CHOSEN = (0, "—")


class PlaceRewardForm(FlaskForm):
    place = IntegerField(
        _l("Place"), validators=[InputRequired(), NumberRange(min=1, max=50)], default=1
    )
    kind = SelectField(_l("Reward"), choices=to_choices(choices(PlaceRewardKind)))
    points = IntegerField(_l("Points (for points)"), validators=[Optional(), NumberRange(min=1)])
    reward_id = NameSelectField(
        _l("Catalogue item (for an item)"), coerce=int, choices=[], default=0
    )
    commitment_kind = SelectField(
        _l("What is promised (for a commitment)"),
        choices=to_choices([("", "—"), *choices(CommitmentKind)]),
        default="",
    )
    description = StringField(_l("Description"), validators=[Optional(), Length(max=500)])
    owner_id = NameSelectField(_l("Who delivers it"), coerce=int, choices=[], default=0)
    due_days = IntegerField(
        _l("Days to deliver after the result is final"),
        validators=[Optional(), NumberRange(min=0, max=366)],
    )
