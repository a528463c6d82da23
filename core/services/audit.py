"""The audit log: who changed what, when, with the values before and after."""

import enum
from datetime import date, datetime

from flask import has_request_context
from flask_login import current_user

from core.extensions import db
from core.labels import label
from core.models import (
    AuditEntry,
    AwardStatus,
    CampaignStage,
    DisputeStatus,
    FollowUpState,
    RatingStatus,
    RedemptionStatus,
    RewardKind,
    Role,
    SurpriseStatus,
    User,
)

# Entries store enum values as plain text; these fields of these targets hold one.
ENUM_FIELDS: dict[str, dict[str, type[enum.Enum]]] = {
    "award_period": {"status": AwardStatus},
    "campaign": {"stage": CampaignStage, "round": CampaignStage},
    "followup": {"state": FollowUpState},
    "rating": {"status": RatingStatus, "surprise": SurpriseStatus, "dispute": DisputeStatus},
    "redemption": {"status": RedemptionStatus},
    "reward": {"kind": RewardKind},
    "user": {"role": Role},
}


def _plain(value):
    """A JSON-safe copy of a value (enums by value, times as ISO text, models by id)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "id"):
        return value.id
    return str(value)


def readable(target_type: str, values: dict | None) -> dict | None:
    """An entry's before or after values with stored enum values shown as their labels."""
    if not values:
        return values
    fields = ENUM_FIELDS.get(target_type, {})
    return {key: _label_of(fields.get(key), value) for key, value in values.items()}


def _label_of(enum_type: type[enum.Enum] | None, value):
    try:
        return label(enum_type(value)) if enum_type else value
    except ValueError:  # a value no longer in the enum: shown as it was stored
        return value


def snapshot(obj, fields) -> dict:
    """The named attributes of a row as a JSON-safe dict, for before/after."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def _acting_user() -> User | None:
    if has_request_context() and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def record_audit(
    action: str,
    target_type: str,
    target_id,
    before: dict | None = None,
    after: dict | None = None,
    user: User | None = None,
) -> AuditEntry:
    """Add an audit entry (the signed-in user unless given); the caller's service commits."""
    actor = user if user is not None else _acting_user()
    entry = AuditEntry(
        user_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id="" if target_id is None else str(target_id),
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
    )
    db.session.add(entry)
    return entry
