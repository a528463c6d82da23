"""Forms of the admin area: they check shape (required, ranges, lengths), not business rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from core.forms import MultiCheckboxField, NameSelectField, to_choices
from core.labels import choices
from core.models import FollowUpState, Role, SurpriseStatus
from core.services.people.users import MIN_PASSWORD_LENGTH
from core.services.ratings.receipt_codes import MAX_BATCH
from core.text import clean_name
from scoring.periods import period_bounds


class EmptyForm(FlaskForm):
    """A POST button: carries only the CSRF token."""


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


class FilterForm(FlaskForm):
    """A GET filter form: reads the query string, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False


ROLE_CHOICES = to_choices(choices((Role.MANAGER, Role.ADMIN, Role.JUDGE)))


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=80)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.MANAGER.value)
    branch_ids = MultiCheckboxField(_l("Branches (managers)"), coerce=int, choices=[])
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=80)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    branch_ids = MultiCheckboxField(_l("Branches (managers)"), coerce=int, choices=[])
    password = PasswordField(
        _l("New password (leave empty to keep)"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
    )


class BranchForm(FlaskForm):
    name = StringField(
        _l("Name"), filters=[clean_name], validators=[InputRequired(), Length(max=120)]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=255)])


class EmployeeForm(FlaskForm):
    branch_id = NameSelectField(_l("Branch"), coerce=int, choices=[])
    # Direction controls removed on input (core.text.clean_name), as the CSV import does.
    display_name = StringField(
        _l("Display name"), filters=[clean_name], validators=[InputRequired(), Length(max=80)]
    )
    title = StringField(_l("Title"), filters=[clean_name], validators=[Optional(), Length(max=80)])
    staff_no = StringField(_l("Staff number"), validators=[Optional(), Length(max=40)])
    # The employee's own contacts: a customer using one of them is refused on every card.
    emails = TextAreaField(
        _l("Work email addresses (one per line)"), validators=[Optional(), Length(max=3000)]
    )
    phones = TextAreaField(
        _l("Mobile numbers (one per line)"), validators=[Optional(), Length(max=600)]
    )
    remove_contacts = MultiCheckboxField(_l("Remove"), choices=[], validate_choice=False)
    # Choices: the supported locales (core.i18n.locale_choices), set by the view.
    locale = SelectField(
        _l("Language of mail to the employee"), choices=[], validators=[Optional()]
    )


class EmployeeFilterForm(FilterForm):
    branch = NameSelectField(_l("Branch"), coerce=int, choices=[], validate_choice=False, default=0)
    q = StringField(_l("Name or staff number"), validators=[Optional(), Length(max=80)])
    inactive = BooleanField(_l("Include inactive"))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file (UTF-8)"), validators=[FileRequired()])
    create_branches = BooleanField(_l("Create branches that do not exist yet"))


class PhotoForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), validators=[FileRequired()])


class SendLinkForm(FlaskForm):
    email = EmailField(
        _l("Send to this email address"), validators=[InputRequired(), Email(), Length(max=254)]
    )


class ReceiptBatchForm(FlaskForm):
    """A batch of receipt codes to print; choices (the user's branches, their active
    employees) are set by the view."""

    branch_id = NameSelectField(_l("Branch"), coerce=int, choices=[])
    employee_id = NameSelectField(_l("Serving employee"), coerce=int, choices=[], default=0)
    staff_no = StringField(_l("Or their staff number"), validators=[Optional(), Length(max=40)])
    count = IntegerField(
        _l("Number of codes"), validators=[InputRequired(), NumberRange(1, MAX_BATCH)], default=30
    )
    days = IntegerField(_l("Days valid"), validators=[Optional(), NumberRange(1, 3650)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(min=3, max=500)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


def _period_key(form, field) -> None:
    if field.data:
        try:
            period_bounds(field.data.strip(), "UTC")
        except ValueError as error:
            raise ValidationError(_l("Use a period such as 2026-11 or 2026-Q4.")) from error


# Claims first (what the filter is for), then the ratings without one.
SURPRISE_ORDER = (
    SurpriseStatus.CLAIMED,
    SurpriseStatus.CONFIRMED,
    SurpriseStatus.REJECTED,
    SurpriseStatus.NONE,
)
SURPRISE_CHOICES = [SelectChoice("", _l("Any")), *to_choices(choices(SURPRISE_ORDER))]


class FeedbackFilterForm(FilterForm):
    branch = NameSelectField(_l("Branch"), coerce=int, choices=[], validate_choice=False, default=0)
    employee = NameSelectField(
        _l("Employee"), coerce=int, choices=[], validate_choice=False, default=0
    )
    period = StringField(_l("Period"), validators=[Optional(), Length(max=10), _period_key])
    stars = SelectField(
        _l("Stars"),
        choices=[SelectChoice("", _l("Any"))] + [SelectChoice(str(n)) for n in range(1, 6)],
        default="",
    )
    comment = BooleanField(_l("With a comment"))
    surprise = SelectField(_l("Surprise"), choices=SURPRISE_CHOICES, default="")
    suspicious = BooleanField(_l("Suspicious only"))
    staff_contact = BooleanField(_l("Given with a staff contact only"))
    hidden = BooleanField(_l("Hidden ratings"))


FOLLOWUP_STATE_CHOICES = [
    SelectChoice("", _l("Not resolved")),
    *to_choices(choices(FollowUpState)),
    SelectChoice("all", _l("All")),
]


class FollowUpFilterForm(FilterForm):
    state = SelectField(_l("State"), choices=FOLLOWUP_STATE_CHOICES, default="")
    overdue = BooleanField(_l("Overdue only"))


class AuditFilterForm(FilterForm):
    user = NameSelectField(_l("User"), coerce=int, choices=[], validate_choice=False, default=0)
    action = StringField(_l("Action"), validators=[Optional(), Length(max=60)])
    target_type = StringField(_l("Target type"), validators=[Optional(), Length(max=40)])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class FollowUpForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    state = SelectField(_l("State"), choices=to_choices(choices(FollowUpState)))
