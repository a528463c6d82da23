"""The site settings form: shape only; the rules are scoring.site_settings'."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, FloatField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.forms import MultiCheckboxField, to_choices
from core.labels import PERIOD_KIND_LABELS
from core.localtime import site_zone
from scoring.site_settings import LABEL_MAX, MAX_DIMENSIONS, Dimension, SiteSettings

METHOD_LABELS = {
    "email": _l("Email code"),
    "sms": _l("SMS code"),
    "receipt": _l("Receipt code"),
}
ROW_FIELDS = ("key", "label_en", "label_zh", "weight")
MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


class SettingsForm(FlaskForm):
    """One row per rating dimension (an empty row is no dimension), then the rest."""

    overall_weight = FloatField(_l("Weight of overall stars"), validators=[InputRequired()])
    verify_methods = MultiCheckboxField(
        _l("Verification methods offered to customers"), choices=to_choices(METHOD_LABELS.items())
    )
    period_kind = SelectField(_l("Award period"), choices=to_choices(PERIOD_KIND_LABELS.items()))
    followup_contact_hours = IntegerField(
        _l("Contact a customer after a low rating within (hours)"),
        validators=[InputRequired(), NumberRange(1, 10_000)],
    )
    followup_resolve_days = IntegerField(
        _l("Resolve the follow-up within (days)"),
        validators=[InputRequired(), NumberRange(1, 10_000)],
    )
    starts_at = DateTimeLocalField(
        _l("In force from (site time; empty: now)"),
        format=MOMENT_FORMAT,
        validators=[Optional()],
    )

    @classmethod
    def data_of(cls, settings: SiteSettings) -> dict:
        """Form data showing `settings` (rows beyond its dimensions stay empty)."""
        data = {
            "overall_weight": settings.overall_weight,
            "verify_methods": list(settings.verify_methods),
            "period_kind": settings.period_kind,
            "followup_contact_hours": settings.followup_contact_hours,
            "followup_resolve_days": settings.followup_resolve_days,
        }
        for n, dimension in enumerate(settings.dimensions, start=1):
            for name in ROW_FIELDS:
                data[f"dim{n}_{name}"] = getattr(dimension, name)
        return data

    def rows(self) -> list[list]:
        """The dimension rows' fields, in order."""
        return [[self[f"dim{n}_{name}"] for name in ROW_FIELDS] for n in self.row_numbers()]

    @staticmethod
    def row_numbers() -> range:
        return range(1, MAX_DIMENSIONS + 1)

    def _row_used(self, n: int) -> bool:
        return any(
            (self[f"dim{n}_{name}"].data or "") not in ("", None)
            for name in ("key", "label_en", "label_zh")
        )

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for n in self.row_numbers():
            if not self._row_used(n):
                continue
            for name, message in (
                ("key", _l("Give this dimension a key, for example \u201cattitude\u201d.")),
                ("label_en", _l("Give this dimension an English label.")),
                ("weight", _l("Give this dimension a weight.")),
            ):
                field = self[f"dim{n}_{name}"]
                if field.data in ("", None) and not field.errors:
                    field.errors = [*field.errors, str(message)]
                    ok = False
        return ok

    def settings(self) -> SiteSettings:
        """The settings as typed (the service checks the rules)."""
        dimensions = tuple(
            Dimension(
                key=(self[f"dim{n}_key"].data or "").strip(),
                label_en=(self[f"dim{n}_label_en"].data or "").strip(),
                label_zh=(self[f"dim{n}_label_zh"].data or "").strip(),
                weight=float(self[f"dim{n}_weight"].data),
            )
            for n in self.row_numbers()
            if self._row_used(n)
        )
        return SiteSettings(
            dimensions=dimensions,
            overall_weight=float(self.overall_weight.data),
            verify_methods=tuple(self.verify_methods.data or ()),
            period_kind=self.period_kind.data,
            followup_contact_hours=self.followup_contact_hours.data,
            followup_resolve_days=self.followup_resolve_days.data,
        )

    def starts(self) -> datetime | None:
        """The moment typed, in the site's time zone, as UTC; None for now."""
        typed = self.starts_at.data
        if typed is None:
            return None
        return typed.replace(tzinfo=site_zone()).astimezone(UTC)


def _add_dimension_rows() -> None:
    # Fixed rows rather than a FieldList: each field has a plain name the audit test posts.
    for n in range(1, MAX_DIMENSIONS + 1):
        text = [Optional(), Length(max=LABEL_MAX)]
        fields = {
            "key": StringField(_l("Key %(n)d", n=n), validators=[Optional(), Length(max=30)]),
            "label_en": StringField(_l("Label (English) %(n)d", n=n), validators=text),
            "label_zh": StringField(_l("Label (Chinese) %(n)d", n=n), validators=text),
            "weight": FloatField(_l("Weight %(n)d", n=n), validators=[Optional()]),
        }
        for name, field in fields.items():
            setattr(SettingsForm, f"dim{n}_{name}", field)


_add_dimension_rows()
