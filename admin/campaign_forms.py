"""Forms of the selection campaign (admin, supervisors, judges): shape checks only.

The one rule checked here as well as in the service is that each stage's weights total
100, so the admin sees the message next to the stage while typing the weights. The
employees' own campaign forms are in staff.forms and share the field makers here.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.forms import (
    MultiCheckboxField,
    NameSelectField,
    RegistrationForm,
    ten_point_field,
    text_field,
    to_choices,
)
from core.labels import SOURCE_LABELS
from core.models.campaign import JUDGE_CRITERIA, CampaignStage
from core.services.campaign.rounds import RANKED_STAGES, STAGE_SOURCES
from core.services.notices.announcements import NOTICE_DAYS_MAX
from scoring.composite import validate_weights


def weight_field_name(stage: CampaignStage, source: str) -> str:
    return f"w_{stage.value}_{source}"


def _count(label, minimum: int = 1):
    return IntegerField(label, validators=[InputRequired(), NumberRange(min=minimum, max=10_000)])


class CampaignForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=120)])
    branch_ids = MultiCheckboxField(_l("Branches taking part"), coerce=int, choices=[])
    starts_on = DateField(_l("Ratings count from"), validators=[InputRequired()])
    ends_on = DateField(_l("Ratings count until"), validators=[InputRequired()])
    registration_closes_on = DateField(_l("Registration closes"), validators=[Optional()])
    second_round_on = DateField(_l("Second round (demonstration)"), validators=[Optional()])
    final_on = DateField(_l("Final (defence)"), validators=[Optional()])
    min_ratings = _count(_l("Minimum verified customers to pass the screening"), minimum=0)
    preliminary_pass = _count(_l("Candidates passed on by the preliminary round"))
    second_pass = _count(_l("Candidates passed on by the second round"))
    winners = _count(_l("Winners of the final"))
    ballot_size = _count(_l("Colleagues one ballot may name (K)"))
    vote_threshold = _count(_l("Voters a branch needs before its counts are shown"))
    notice_days = IntegerField(
        _l("Public notice of each stage's results (days; 0: final at once)"),
        validators=[Optional(), NumberRange(min=0, max=NOTICE_DAYS_MAX)],
        filters=[lambda days: 0 if days is None else days],  # left empty: no notice
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.weight_errors: dict[str, list[str]] = {}

    def weights(self) -> dict[str, dict[str, int]]:
        """The typed weights per stage (empty fields as 0)."""
        return {
            stage.value: {
                s: self[weight_field_name(stage, s)].data or 0 for s in STAGE_SOURCES[stage]
            }
            for stage in RANKED_STAGES
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any(self[weight_field_name(st, s)].errors for st, s in _weight_fields()):
            for stage, weights in self.weights().items():
                try:
                    validate_weights({s: w for s, w in weights.items() if w})
                except ValueError:
                    self.weight_errors[stage] = [
                        _l("The weights of this stage must add up to 100.")
                    ]
        return valid and not self.weight_errors


def _weight_fields():
    return [(stage, source) for stage in RANKED_STAGES for source in STAGE_SOURCES[stage]]


for _stage, _source in _weight_fields():
    setattr(
        CampaignForm,
        weight_field_name(_stage, _source),
        IntegerField(
            SOURCE_LABELS[_source],
            validators=[Optional(), NumberRange(min=0, max=100)],
            default=0,
        ),
    )


class RegisterOnBehalfForm(RegistrationForm):
    employee_id = NameSelectField(_l("Employee"), coerce=int, choices=[])
    late_reason = text_field(_l("Why late (after the closing date)"), required=False, maximum=500)


class WaiveSourceForm(FlaskForm):
    source = SelectField(_l("Source"), choices=[])
    reason = text_field(_l("Why it is waived"), maximum=500)


class PanelForm(FlaskForm):
    judge_ids = MultiCheckboxField(_l("Judges"), coerce=int, choices=[])


class SupervisorEvaluationForm(FlaskForm):
    attitude = ten_point_field("attitude")
    quality = ten_point_field("quality")
    efficiency = ten_point_field("efficiency")
    comment = text_field(_l("Comment"))


class SelfReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=to_choices([("accept", _l("Accept")), ("return", _l("Return with a comment"))]),
        validators=[InputRequired()],
    )
    comment = text_field(_l("Comment"), required=False)


class SecondRoundScoreForm(FlaskForm):
    practical_skill, adaptability, teamwork = (
        ten_point_field(c) for c in JUDGE_CRITERIA[CampaignStage.SECOND]
    )
    note = text_field(_l("Note"), required=False)


class FinalScoreForm(FlaskForm):
    overall_quality, service_philosophy, innovation = (
        ten_point_field(c) for c in JUDGE_CRITERIA[CampaignStage.FINAL]
    )
    note = text_field(_l("Note"), required=False)


JUDGE_FORMS = {CampaignStage.SECOND: SecondRoundScoreForm, CampaignStage.FINAL: FinalScoreForm}


class LessonsForm(FlaskForm):
    text = text_field(_l("Lessons learned"), maximum=10_000, required=False)


class ImprovementActionForm(FlaskForm):
    criterion = SelectField(_l("Criterion"), choices=[])
    action = text_field(_l("Training action"), maximum=500)
    due_on = DateField(_l("Due by"), validators=[Optional()])
