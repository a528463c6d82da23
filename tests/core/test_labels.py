"""Every value an enum column stores has a label in core.labels, in every language."""

import enum

from flask_babel import refresh
from sqlalchemy import Enum

from core.extensions import db
from core.labels import LABELS, choices, dimension_labels, label
from core.models import CampaignStage, RewardKind, Role
from core.services.audit import ENUM_FIELDS, readable


def _enum_columns() -> dict[str, type[enum.Enum]]:
    """Every enum column of the schema, as "table.column" -> its enum class."""
    return {
        f"{table.name}.{column.name}": column.type.enum_class
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Enum) and column.type.enum_class is not None
    }


def test_the_schema_has_the_enum_columns_this_test_is_about(app):
    columns = _enum_columns()

    assert columns["reward.kind"] is RewardKind and columns["campaign.stage"] is CampaignStage
    assert len(set(columns.values())) >= 10


def test_every_value_of_every_enum_column_has_a_label(app):
    missing = [
        f"{name}={member.value}"
        for name, enum_class in _enum_columns().items()
        for member in enum_class
        if not str(LABELS.get(enum_class, {}).get(member, "")).strip()
    ]

    assert missing == []


def _all_labels(app, language: str) -> dict:
    with app.test_request_context(headers={"Accept-Language": language}):
        refresh()  # the app context remembers the locale of the last request
        return {member: label(member) for by_member in LABELS.values() for member in by_member}


def test_every_label_has_a_chinese_translation(app):
    english, chinese = _all_labels(app, "en"), _all_labels(app, "zh-CN")

    assert [m for m in english if english[m] == chinese[m]] == []


def test_labels_are_translated(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert label(Role.JUDGE) == "评委"
        assert label(CampaignStage.PRELIMINARY) == "初赛"
        assert dimension_labels()["overall"] == "总体满意度"


def test_labels_cover_the_audit_logs_enum_fields(app):
    fields = {enum_class for by_field in ENUM_FIELDS.values() for enum_class in by_field.values()}

    assert fields <= set(LABELS)


def test_audit_values_read_as_labels(app):
    with app.test_request_context():
        shown = readable("user", {"role": "judge", "name": "Ada", "active": True})

    assert shown == {"role": "Judge", "name": "Ada", "active": True}


def test_choices_are_stored_values_with_their_labels(app):
    with app.test_request_context():
        pairs = [(value, str(text)) for value, text in choices(RewardKind)]

    assert pairs[0] == ("cash_bonus", "Cash bonus")
    assert [value for value, _text in pairs] == [kind.value for kind in RewardKind]
