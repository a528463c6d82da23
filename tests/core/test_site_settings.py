"""The site settings service: defaults, versions from a moment, audit, and the past kept."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, EmployeePeriodStats, Role, SiteSettingsVersion
from core.services.periods import current_period_key
from core.services.settings import (
    SettingsRefused,
    change_settings,
    current_settings,
    dimension_labels,
    scheduled_settings,
    settings_at,
)
from scoring.site_settings import Dimension, next_common_period_start
from tests.concurrency import run_together
from tests.factories import make_counted_rating, make_employee, make_user


def _later(days: float = 1) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def _stored() -> int:
    return len(db.session.scalars(select(SiteSettingsVersion)).all())


def test_without_a_change_the_environment_is_in_force(app):
    app.config.update(VERIFY_METHODS=("receipt",), FOLLOWUP_CONTACT_HOURS=12)
    settings = current_settings()
    assert [d.key for d in settings.dimensions] == ["attitude", "skill", "efficiency"]
    # The seed documents' names are the first Chinese labels.
    assert settings.dimensions[0].label_zh == "服务态度"
    assert settings.verify_methods == ("receipt",)
    assert settings.followup_contact_hours == 12
    assert settings.version == 0


def test_a_change_is_audited_with_who_and_what(app):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    change_settings(replace(current_settings(), followup_contact_hours=48), None, admin)

    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.user_id) == ("settings.change", admin.id)
    assert entry.before == {"followup_contact_hours": 24}
    assert entry.after["followup_contact_hours"] == 48
    assert "effective_from" in entry.after
    assert current_settings().followup_contact_hours == 48


def test_a_future_change_waits_for_its_moment(app):
    starts = _later(2)
    change_settings(replace(current_settings(), verify_methods=("sms",)), starts, None)

    assert current_settings().verify_methods == ("email", "sms", "receipt")
    assert settings_at(starts).verify_methods == ("sms",)
    assert [s.effective_from for s in scheduled_settings()] == [starts]


def test_a_change_in_the_past_is_refused(app):
    past = datetime.now(UTC) - timedelta(minutes=1)
    with pytest.raises(SettingsRefused) as refused:
        change_settings(replace(current_settings(), followup_resolve_days=9), past, None)
    assert refused.value.field == "starts_at"
    assert _stored() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"overall_weight": 0.0}, "overall_weight"),
        ({"verify_methods": ()}, "verify_methods"),
        ({"followup_contact_hours": 0}, "followup_contact_hours"),
        ({"followup_resolve_days": 500}, "followup_resolve_days"),
    ],
)
def test_broken_rules_are_refused_in_words(app, change, field):
    with pytest.raises(SettingsRefused) as refused:
        change_settings(replace(current_settings(), **change), None, None)
    assert refused.value.field == field
    assert "[" not in str(refused.value) and _stored() == 0


def test_a_bad_weight_names_its_dimension(app):
    settings = current_settings()
    dimensions = (settings.dimensions[0], replace(settings.dimensions[1], weight=-2.0))
    with pytest.raises(SettingsRefused) as refused:
        change_settings(replace(settings, dimensions=dimensions), None, None)
    assert refused.value.field == "dim2_weight"


def test_past_ratings_keep_their_scores_and_their_period_totals(app):
    employee = make_employee()
    stars = {"attitude": 1, "skill": 5, "efficiency": 5}
    before = make_counted_rating(employee, overall=5, stars=stars)
    db.session.commit()
    assert before.score == 4.0  # every weight 1: (5 + 1 + 5 + 5) / 4
    stats = db.session.get(EmployeePeriodStats, (employee.id, before.period_key))
    sum_before = stats.score_sum

    settings = current_settings()
    heavier = tuple(
        replace(d, weight=9.0 if d.key == "attitude" else 1.0) for d in settings.dimensions
    )
    change_settings(replace(settings, dimensions=heavier), None, None)
    after = make_counted_rating(employee, overall=5, stars=stars)
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(type(before), before.id).score == 4.0
    assert after.score == 2.0  # (5 + 9*1 + 5 + 5) / 12
    stats = db.session.get(EmployeePeriodStats, (employee.id, before.period_key))
    assert stats.score_sum == pytest.approx(sum_before + 2.0)


def test_a_removed_dimension_still_has_its_label(app):
    settings = current_settings()
    kept = tuple(d for d in settings.dimensions if d.key != "efficiency")
    added = Dimension("courtesy", "Courtesy", "礼貌", 1.0)
    change_settings(replace(settings, dimensions=(*kept, added)), None, None)

    assert [d.key for d in current_settings().dimensions] == ["attitude", "skill", "courtesy"]
    labels = dimension_labels()
    assert labels["efficiency"] == "Efficiency"
    assert labels["courtesy"] == "Courtesy"


def test_the_period_kind_changes_only_where_both_kinds_begin(app):
    tz = app.config["TIME_ZONE"]
    quarter = replace(current_settings(), period_kind="quarter")
    with pytest.raises(SettingsRefused) as refused:
        change_settings(quarter, _later(1), None)
    assert refused.value.field == "period_kind"
    boundary = next_common_period_start(_later(1), tz, ("month", "quarter"))
    month_start = next_common_period_start(_later(1), tz, ("month",))
    if month_start != boundary:  # a month start that is no quarter start is refused too
        with pytest.raises(SettingsRefused):
            change_settings(quarter, month_start, None)

    change_settings(quarter, boundary, None)

    assert "Q" in current_period_key(boundary)
    assert "Q" not in current_period_key(boundary - timedelta(seconds=1))
    assert "Q" not in current_period_key()


def test_a_later_kind_change_cannot_be_stranded_by_an_earlier_one(app):
    tz = app.config["TIME_ZONE"]
    quarter_start = next_common_period_start(_later(1), tz, ("month", "quarter"))
    change_settings(replace(current_settings(), period_kind="quarter"), quarter_start, None)
    week_start = next_common_period_start(_later(1), tz, ("week", "month"))
    weekly = replace(current_settings(), period_kind="week")
    if week_start < quarter_start and not _is_quarter_and_week_start(quarter_start, tz):
        with pytest.raises(SettingsRefused):
            change_settings(weekly, week_start, None)


def _is_quarter_and_week_start(moment, tz) -> bool:
    from scoring.site_settings import is_common_period_start

    return is_common_period_start(moment, tz, ("quarter", "week"))


def test_saving_what_is_in_force_changes_nothing(app):
    with pytest.raises(SettingsRefused):
        change_settings(current_settings(), None, None)
    assert _stored() == 0


def test_simultaneous_changes_are_all_kept(app):
    base = current_settings()

    def change(index: int) -> int:
        return change_settings(replace(base, followup_contact_hours=index + 1), None, None).id

    results = run_together(app, 8, change, refused=SettingsRefused)

    assert None not in results
    db.session.rollback()  # a fresh snapshot that sees the threads' commits
    assert _stored() == 8
