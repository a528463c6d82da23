"""Forms of offline customer votes (paper ballots, phone votes): shape checks only."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.forms import text_field, to_choices
from core.services.campaign.ballots import MAX_BATCH

STAR_CHOICES = to_choices([("", _l("Not marked"))] + [(str(n), str(n)) for n in range(1, 6)])


class PrintBallotsForm(FlaskForm):
    branch_id = SelectField(_l("Branch"), coerce=int, choices=[])
    count = IntegerField(
        _l("How many ballots"), validators=[InputRequired(), NumberRange(min=1, max=MAX_BATCH)]
    )


class VoidBallotForm(FlaskForm):
    number = IntegerField(_l("Ballot number"), validators=[InputRequired(), NumberRange(min=1)])
    reason = text_field(_l("Why it is voided (spoiled, lost...)"), maximum=500)


class BallotCodeForm(FlaskForm):
    code = StringField(_l("Ballot code"), validators=[InputRequired(), Length(max=20)])


class VoidVoteForm(FlaskForm):
    reason = text_field(_l("Why this vote is voided"), maximum=500)


class ConfirmPhoneVoteForm(FlaskForm):
    code = StringField(
        _l("Code the caller reads back"), validators=[InputRequired(), Length(max=12)]
    )


def mark_field_name(candidate_id: int) -> str:
    return f"mark_{candidate_id}"


def marks_form(candidates, with_code: bool) -> FlaskForm:
    """A form with the customer's phone and 1..5 stars for each candidate (and the code)."""

    class MarksForm(FlaskForm):
        phone = StringField(
            _l("Customer's mobile number"), validators=[InputRequired(), Length(max=40)]
        )

    if with_code:
        MarksForm.code = StringField(
            _l("Ballot code"), validators=[InputRequired(), Length(max=20)]
        )
    for candidate in candidates:
        setattr(
            MarksForm,
            mark_field_name(candidate.id),
            SelectField(candidate.display_name, choices=STAR_CHOICES, validators=[Optional()]),
        )
    return MarksForm()


def stars_of(form: FlaskForm, candidates) -> dict[int, int | None]:
    """The stars marked for each candidate (None when not marked)."""
    values = {c.id: form[mark_field_name(c.id)].data for c in candidates}
    return {cid: int(value) if value else None for cid, value in values.items()}
