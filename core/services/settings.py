"""The site settings in force: rating dimensions and weights, verification methods,
period kind and follow-up deadlines; changed by admins, each change from a stated moment.

Versions are never edited, only added, so the settings at a past moment stay what they
were: a rating keeps the score and dimensions it got, a period the kind it started with.
With no stored version the environment's values (core/config.py) are in force.
"""

from datetime import UTC, datetime, timedelta

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.database import begin_write
from core.extensions import db
from core.labels import dimension_labels as labels_of
from core.labels import period_kind_label
from core.localtime import local_time
from core.models import SiteSettingsVersion, User
from core.services import DomainError
from core.services.audit import record_audit
from scoring.site_settings import (
    Dimension,
    SettingsError,
    SiteSettings,
    check_settings,
    is_common_period_start,
    next_common_period_start,
    parse_weights,
    settings_in_force,
)

# The seed documents' Chinese names of the default criteria (the scheme's 服务态度,
# 服务技能, 服务效率): the first zh-CN labels, until an admin enters others.
DEFAULT_ZH_LABELS = {"attitude": "服务态度", "skill": "服务技能", "efficiency": "服务效率"}
CACHE_KEY = "site_settings_versions"
# Just before a moment: the version a change at that moment follows.
INSTANT = timedelta(microseconds=1)


class SettingsRefused(DomainError):
    """The settings break a rule, or the moment they would start is refused; `field`
    names the form field it concerns (core.forms.show_error puts it there)."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.field = field


def environment_settings() -> SiteSettings:
    """The first defaults: RATING_DIMENSIONS, RATING_WEIGHTS, VERIFY_METHODS, PERIOD_KIND
    and FOLLOWUP_* from the environment. Without RATING_WEIGHTS everything weighs 1; with
    it, a dimension it leaves out weighs 0 (asked, not counted), as it always did."""
    config = current_app.config
    text = config.get("RATING_WEIGHTS")
    weights = parse_weights(text) if text else {}
    unlisted = 0.0 if text else 1.0
    dimensions = tuple(
        Dimension(key, label, DEFAULT_ZH_LABELS.get(key, ""), weights.get(key, unlisted))
        for key, label in config["RATING_DIMENSIONS"]
    )
    return SiteSettings(
        dimensions=dimensions,
        overall_weight=weights.get("overall", unlisted),
        verify_methods=tuple(config["VERIFY_METHODS"]),
        period_kind=config["PERIOD_KIND"],
        followup_contact_hours=int(config["FOLLOWUP_CONTACT_HOURS"]),
        followup_resolve_days=int(config["FOLLOWUP_RESOLVE_DAYS"]),
    )


def stored_versions() -> list[SiteSettings]:
    """Every stored version, oldest first; read once per request (or app context)."""
    if CACHE_KEY not in g:
        rows = db.session.scalars(
            select(SiteSettingsVersion).order_by(
                SiteSettingsVersion.effective_from, SiteSettingsVersion.id
            )
        )
        setattr(g, CACHE_KEY, [_from_row(row) for row in rows])
    return getattr(g, CACHE_KEY)


def _from_row(row: SiteSettingsVersion) -> SiteSettings:
    return SiteSettings.from_dict(row.values, version=row.id, effective_from=row.effective_from)


def forget_cached_settings() -> None:
    """Read the versions afresh next time (after a change, or a test writing rows)."""
    g.pop(CACHE_KEY, None)


def settings_at(moment: datetime) -> SiteSettings:
    """The settings in force at `moment` (aware): the latest version started by then,
    else the environment's."""
    return settings_in_force(stored_versions(), moment) or environment_settings()


def current_settings() -> SiteSettings:
    """The settings in force now."""
    return settings_at(datetime.now(UTC))


def scheduled_settings() -> list[SiteSettings]:
    """Versions that start later than now, soonest first."""
    now = datetime.now(UTC)
    return [v for v in stored_versions() if v.effective_from > now]


def settings_version() -> int:
    """Id of the version in force now (0: the environment's); it changes with the settings,
    so a cache of pages built from them can key on it."""
    return current_settings().version


def all_dimensions() -> list[Dimension]:
    """Every dimension ever offered, those in force first, then older ones newest first,
    so a rating given on a dimension removed since still shows it with its label."""
    found: dict[str, Dimension] = {}
    history = [current_settings(), *reversed(stored_versions()), environment_settings()]
    for settings in history:
        for dimension in settings.dimensions:
            found.setdefault(dimension.key, dimension)
    return list(found.values())


def dimension_labels() -> dict[str, str]:
    """Labels of overall and of every dimension ever offered, by key, in this language."""
    return labels_of(all_dimensions())


_PROBLEMS = {
    "dimension_count": _l("Offer between 1 and 6 rating dimensions."),
    "key": _l(
        "Dimension %(n)s: the key is up to 30 lower-case letters, digits or _, starting "
        "with a letter, and not \u201coverall\u201d."
    ),
    "duplicate_key": _l("Dimension %(n)s: another dimension already has this key."),
    "label": _l("Dimension %(n)s: give an English label of 60 characters or fewer."),
    "weight": _l("Dimension %(n)s: its weight is a number above 0, up to 10."),
    "overall_weight": _l("The weight of overall stars is a number above 0, up to 10."),
    "no_method": _l("Offer customers at least one verification method."),
    "method": _l("Choose verification methods from the list."),
    "period_kind": _l("Choose a period kind from the list."),
    "contact_hours": _l("The contact deadline is 1 to 168 hours."),
    "resolve_days": _l(
        "The resolve deadline is 1 to 90 days, and no earlier than the contact deadline."
    ),
}


# Where each problem shows on the settings form (admin/settings_forms.py).
_PROBLEM_FIELDS = {
    "dimension_count": "dim1_key",
    "key": "dim%(n)s_key",
    "duplicate_key": "dim%(n)s_key",
    "label": "dim%(n)s_label_en",
    "weight": "dim%(n)s_weight",
    "overall_weight": "overall_weight",
    "no_method": "verify_methods",
    "method": "verify_methods",
    "period_kind": "period_kind",
    "contact_hours": "followup_contact_hours",
    "resolve_days": "followup_resolve_days",
}


def _checked(settings: SiteSettings) -> SiteSettings:
    try:
        return check_settings(settings)
    except SettingsError as error:
        overall = error.problem == "weight" and error.item is None
        problem = "overall_weight" if overall else error.problem
        message = str(_PROBLEMS[problem]) % {"n": error.item}
        raise SettingsRefused(message, _PROBLEM_FIELDS[problem] % {"n": error.item}) from error


def _check_backends(settings: SiteSettings) -> None:
    """In production, refuse a method whose messages would never reach the customer."""
    config = current_app.config
    if config["ENV_NAME"] != "production":
        return
    if "sms" in settings.verify_methods and config.get("SMS_BACKEND") == "console":
        raise SettingsRefused(
            _l("SMS is not set up on this server (SMS_BACKEND=console)."), "verify_methods"
        )
    if "email" in settings.verify_methods and config.get("MAIL_BACKEND") == "file":
        raise SettingsRefused(
            _l("Email is not set up on this server (MAIL_BACKEND=file)."), "verify_methods"
        )


def _check_moment(starts: datetime, now: datetime) -> None:
    if starts < now:
        raise SettingsRefused(
            _l(
                "A change cannot start in the past: ratings already scored would change. "
                "Choose now or a later moment."
            ),
            "starts_at",
        )


def _check_period_kind(settings: SiteSettings, starts: datetime) -> None:
    """A new period kind starts where a period of the old kind and one of the new kind
    both start, and a scheduled later change of kind still starts on such a moment."""
    tz = current_app.config["TIME_ZONE"]
    before = settings_at(starts - INSTANT).period_kind
    kinds = {before, settings.period_kind}
    if len(kinds) > 1 and not is_common_period_start(starts, tz, kinds):
        upcoming = next_common_period_start(starts, tz, kinds)
        raise SettingsRefused(
            _l(
                "The period kind changes only where a %(old)s and a %(new)s both begin, so "
                "no period is cut in two: the next such moment is %(moment)s.",
                old=period_kind_label(before),
                new=period_kind_label(settings.period_kind),
                moment=local_time(upcoming) if upcoming else "-",
            ),
            "period_kind",
        )
    later = [v for v in stored_versions() if v.effective_from > starts]
    if later and later[0].period_kind != settings.period_kind:
        kinds = {later[0].period_kind, settings.period_kind}
        if not is_common_period_start(later[0].effective_from, tz, kinds):
            raise SettingsRefused(
                _l(
                    "A change scheduled for %(moment)s switches to periods of another kind "
                    "there, which would cut a %(kind)s in two; keep the period kind.",
                    moment=local_time(later[0].effective_from),
                    kind=period_kind_label(settings.period_kind),
                ),
                "period_kind",
            )


def _differences(before: SiteSettings, after: SiteSettings) -> tuple[dict, dict]:
    """The values that change, before and after, for the audit log."""
    old, new = before.to_dict(), after.to_dict()
    changed = [name for name in new if old.get(name) != new[name]]
    return {n: old[n] for n in changed}, {n: new[n] for n in changed}


def change_settings(
    settings: SiteSettings, starts: datetime | None, actor: User | None
) -> SiteSettingsVersion:
    """Store `settings` as in force from `starts` (None: now), audit the change, commit.

    Refused (SettingsRefused): a broken rule, a moment in the past, a period kind change
    that would split a period, or settings identical to those in force then.
    """
    begin_write()
    forget_cached_settings()
    now = datetime.now(UTC)
    starts = now if starts is None else starts.astimezone(UTC)
    _checked(settings)
    _check_backends(settings)
    _check_moment(starts, now)
    _check_period_kind(settings, starts)
    before, after = _differences(settings_at(starts), settings)
    if not after:
        raise SettingsRefused(_l("These settings are already in force then; nothing changed."))
    row = SiteSettingsVersion(
        effective_from=starts,
        values=settings.to_dict(),
        changed_by_id=actor.id if actor is not None else None,
    )
    db.session.add(row)
    db.session.flush()
    after["effective_from"] = starts
    record_audit("settings.change", "site_settings", row.id, before, after, user=actor)
    db.session.commit()
    forget_cached_settings()
    return row
