"""Form pieces that both the admin area and the staff pages use: shape checks only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget, Select, html_params

from core.labels import CRITERION_LABELS
from core.services.campaign.evaluations import TEXT_MAX
from core.services.campaign.registration import HIGHLIGHTS_MAX
from core.text import bdi, isolate


def to_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs from a service as select options."""
    return [SelectChoice(value, label) for value, label in pairs]


class IsolatedSelect(Select):
    """A drop-down whose options are bidi-isolated (FSI...PDI: an <option> takes no tags)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        label = isolate(choice.label if choice.label not in (None, "") else choice.value)
        return super().render_option(choice._replace(label=label), **kwargs)


class NameSelectField(SelectField):
    """A drop-down of names (employees, branches, rewards) in any script."""

    widget = IsolatedSelect()


class IsolatedCheckboxList(ListWidget):
    """Checkboxes, each followed by its label in a <bdi> (names in any script)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        # Every piece is escaped Markup already: the subfields and their labels render so.
        items = "".join(f"<li>{sub()} {sub.label(text=bdi(sub.label.text))}</li>" for sub in field)
        return Markup(f"<ul {html_params(**kwargs)}>{items}</ul>")  # noqa: S704 - escaped parts


class MultiCheckboxField(SelectMultipleField):
    widget = IsolatedCheckboxList(prefix_label=False)
    option_widget = CheckboxInput()


def ten_point_field(name: str):
    """A required whole score from 1 to 10, labelled by its criterion."""
    return IntegerField(
        CRITERION_LABELS[name],
        validators=[InputRequired(_l("Give a whole number from 1 to 10.")), NumberRange(1, 10)],
    )


def text_field(label, required: bool = True, maximum: int = TEXT_MAX):
    """A free-text answer of at most `maximum` characters."""
    first = InputRequired() if required else Optional()
    return TextAreaField(label, validators=[first, Length(max=maximum)])


class RegistrationForm(FlaskForm):
    highlights = text_field(_l("Service highlights"), maximum=HIGHLIGHTS_MAX)


class RedeemForm(FlaskForm):
    """Ask for a reward (an admin for an employee, or the employee on their page)."""

    reward_id = NameSelectField(_l("Reward"), coerce=int, choices=[])
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=500)])


def scores_of(form: FlaskForm, names) -> dict[str, int]:
    """The named integer fields' data."""
    return {name: form[name].data for name in names}


def show_error(form: FlaskForm, error) -> bool:
    """Put a CampaignError next to its field; False when it names none (flash it instead)."""
    name = getattr(error, "field", None)
    if name and name.startswith("weights_") and hasattr(form, "weight_errors"):
        form.weight_errors[name.removeprefix("weights_")] = [str(error)]
        return True
    if name and name in form:
        form[name].errors = [*form[name].errors, str(error)]
        return True
    return False
