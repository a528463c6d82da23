"""The audit log: who changed what, when, with the values before and after."""

import enum
from datetime import date, datetime

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import inspect, select

from core.extensions import db
from core.labels import label
from core.models import (
    AuditEntry,
    AwardStatus,
    CampaignStage,
    CommitmentKind,
    DisputeStatus,
    FollowUpState,
    FollowUpTask,
    ObjectionRemedy,
    ObjectionStatus,
    PlaceRewardKind,
    RatingStatus,
    RedemptionStatus,
    RewardKind,
    Role,
    SurpriseStatus,
    User,
)

# Target types whose name in the log predates record_change (default: the table's name).
TARGET_TYPES = {FollowUpTask: "followup"}
# Where the old value of a changed secret is not logged, nor the new one: only the change.
SECRET_SUFFIXES = ("_hash", "token")

# Entries store enum values as plain text; these fields of these targets hold one.
ENUM_FIELDS: dict[str, dict[str, type[enum.Enum]]] = {
    "award_period": {"status": AwardStatus},
    "campaign": {"stage": CampaignStage, "round": CampaignStage},
    "followup": {"state": FollowUpState},
    "place_reward": {"kind": PlaceRewardKind, "commitment_kind": CommitmentKind},
    "commitment": {"kind": CommitmentKind},
    "objection": {"status": ObjectionStatus, "remedy": ObjectionRemedy},
    "result_notice": {"stage": CampaignStage},
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


def _is_secret(name: str) -> bool:
    return name.endswith(SECRET_SUFFIXES)


def _ids(items) -> list:
    return sorted(item.id for item in items)


def _column_changes(state) -> tuple[dict, dict]:
    """Before and after of every changed column; a secret gives only `<name>_changed`."""
    before, after, unknown = {}, {}, []
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.added:
            continue
        if history.deleted:
            before[attr.key] = history.deleted[0]
        else:  # set while expired: the session never loaded the stored value
            unknown.append(attr)
        after[attr.key] = history.added[0]
    if unknown:
        before |= _stored(state, unknown)
    for name in [name for name in after if name in before and before[name] == after[name]]:
        del before[name], after[name]
    for name in [name for name in after if _is_secret(name)]:
        before.pop(name, None)
        del after[name]
        after[f"{name}_changed"] = True
    return before, after


def _stored(state, attrs) -> dict:
    """The stored values of these columns, read without flushing the pending changes."""
    keys = zip(state.mapper.primary_key, state.identity, strict=True)
    where = [column == value for column, value in keys]
    query = select(*[attr.columns[0] for attr in attrs]).where(*where)
    with db.session.no_autoflush:
        row = db.session.execute(query).one()
    return {attr.key: value for attr, value in zip(attrs, row, strict=True)}


def _links(state) -> list:
    """The many-to-many relationships (a one-to-many child is a row of its own)."""
    return [rel for rel in state.mapper.relationships if rel.secondary is not None]


def _all_values(obj) -> dict:
    """Every column and loaded many-to-many list of a row, secrets left out."""
    state = inspect(obj)
    values = {
        attr.key: getattr(obj, attr.key)
        for attr in state.mapper.column_attrs
        if not _is_secret(attr.key)
    }
    for rel in _links(state):
        if rel.key in state.dict:
            values[f"{rel.target.name}_ids"] = _ids(getattr(obj, rel.key))
    return values


def changes(obj) -> tuple[dict, dict]:
    """What changed on a row since it was loaded: (before, after) of each changed field.

    Read from SQLAlchemy's attribute history, so call it after setting the new values and
    before the flush. Columns by name; a many-to-many list as `<table>_ids`, sorted ids;
    a secret (a hash or token) only as `<name>_changed: true`.
    """
    state = inspect(obj)
    before, after = _column_changes(state)
    for rel in _links(state):
        history = state.attrs[rel.key].history
        if history.added or history.deleted:
            key = f"{rel.target.name}_ids"
            before[key] = _ids([*history.unchanged, *history.deleted])
            after[key] = _ids([*history.unchanged, *history.added])
    return before, after


def _target(obj) -> tuple[str, object]:
    state = inspect(obj)
    name = TARGET_TYPES.get(type(obj), state.mapper.local_table.name)
    return name, state.identity[0] if state.identity else None


def record_change(
    action: str,
    obj,
    user: User | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Audit each field the service changed on a stored row, read from the row (`changes`).

    Call it after setting the new values and before anything flushes them (a query
    autoflushes: set a replaced collection under `db.session.no_autoflush`).

    `before`/`after` add values that are not columns of the row (masked contacts, a reason).
    """
    old, new = changes(obj)
    return record_audit(action, *_target(obj), old | (before or {}), new | (after or {}), user=user)


def record_created(action: str, obj, user: User | None = None, after: dict | None = None):
    """Audit a new row (flushed, so it has its id) with all its values as after."""
    return record_audit(action, *_target(obj), None, _all_values(obj) | (after or {}), user=user)
