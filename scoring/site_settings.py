"""Site settings as data: rating dimensions, weights, verification, period kind, follow-ups.

The rules a version of the settings must keep, stated once:
- 1 to MAX_DIMENSIONS rating dimensions, each with a unique key of lower-case letters,
  digits and "_" (at most 30, starting with a letter; "overall" is the overall stars),
  an English label (a Chinese one is optional) of at most LABEL_MAX characters;
- every weight (overall's and each dimension's) a number above 0 and at most MAX_WEIGHT,
  so no dimension is silently dropped nor outweighs the rest beyond reason;
- at least one verification method, each one of VERIFY_METHODS;
- a period kind of scoring.periods.PERIOD_KINDS;
- the follow-up contact deadline 1..MAX_CONTACT_HOURS hours, the resolve deadline
  1..MAX_RESOLVE_DAYS days and not before the contact deadline.
A change of the period kind starts at the first moment of a period of the old kind and
of the new one (`is_common_period_start`), so no period is cut in two.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from scoring.periods import PERIOD_KINDS, period_bounds, period_key
from scoring.scores import DEFAULT_WEIGHTS

MAX_DIMENSIONS = 6
LABEL_MAX = 60
MAX_WEIGHT = 10.0
VERIFY_METHODS = ("email", "sms", "receipt")
MAX_CONTACT_HOURS = 7 * 24
MAX_RESOLVE_DAYS = 90
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,29}")
# How far ahead to look for a moment that starts a period of two kinds (a Monday that
# is the first of a month, for weeks and months, comes within a few years).
SEARCH_YEARS = 12


class SettingsError(ValueError):
    """A rule of the settings is broken; `problem` names which, `item` where (1-based)."""

    def __init__(self, problem: str, item: int | None = None):
        super().__init__(problem if item is None else f"{problem} (#{item})")
        self.problem = problem
        self.item = item


@dataclass(frozen=True)
class Dimension:
    """One rating dimension: its stored key, labels and weight."""

    key: str
    label_en: str
    label_zh: str = ""
    weight: float = 1.0


@dataclass(frozen=True)
class SiteSettings:
    """One version of the settings; `dimensions` in the order customers see them."""

    dimensions: tuple[Dimension, ...]
    overall_weight: float = 1.0
    verify_methods: tuple[str, ...] = VERIFY_METHODS
    period_kind: str = "month"
    followup_contact_hours: int = 24
    followup_resolve_days: int = 15
    # Filled when read from storage, never compared: which version this is, from when.
    version: int = field(default=0, compare=False)
    effective_from: datetime | None = field(default=None, compare=False)

    @property
    def weights(self) -> dict[str, float]:
        """Weights by dimension key, overall included, for scoring.scores.rating_score."""
        return {"overall": self.overall_weight, **{d.key: d.weight for d in self.dimensions}}

    def to_dict(self) -> dict:
        """The stored form (JSON): everything but version and effective_from."""
        data = asdict(self)
        data.pop("version")
        data.pop("effective_from")
        data["verify_methods"] = list(self.verify_methods)
        data["dimensions"] = [asdict(d) for d in self.dimensions]
        return data

    @classmethod
    def from_dict(cls, data: Mapping, **stored) -> "SiteSettings":
        """Settings from their stored form; TypeError/ValueError when it cannot be read."""
        return cls(
            dimensions=tuple(
                Dimension(
                    key=str(d["key"]),
                    label_en=str(d["label_en"]),
                    label_zh=str(d.get("label_zh", "")),
                    weight=float(d["weight"]),
                )
                for d in data["dimensions"]
            ),
            overall_weight=float(data["overall_weight"]),
            verify_methods=tuple(str(m) for m in data["verify_methods"]),
            period_kind=str(data["period_kind"]),
            followup_contact_hours=int(data["followup_contact_hours"]),
            followup_resolve_days=int(data["followup_resolve_days"]),
            **stored,
        )


def check_settings(settings: SiteSettings) -> SiteSettings:
    """Return `settings` when every rule above holds, else raise SettingsError."""
    _check_dimensions(settings.dimensions)
    _check_weight(settings.overall_weight, None)
    methods = settings.verify_methods
    if not methods:
        raise SettingsError("no_method")
    if any(m not in VERIFY_METHODS for m in methods) or len(set(methods)) != len(methods):
        raise SettingsError("method")
    if settings.period_kind not in PERIOD_KINDS:
        raise SettingsError("period_kind")
    hours, days = settings.followup_contact_hours, settings.followup_resolve_days
    if not 1 <= hours <= MAX_CONTACT_HOURS:
        raise SettingsError("contact_hours")
    if not 1 <= days <= MAX_RESOLVE_DAYS or days * 24 < hours:
        raise SettingsError("resolve_days")
    return settings


def _check_dimensions(dimensions: tuple[Dimension, ...]) -> None:
    if not 1 <= len(dimensions) <= MAX_DIMENSIONS:
        raise SettingsError("dimension_count")
    seen = set()
    for n, dimension in enumerate(dimensions, start=1):
        if not KEY_PATTERN.fullmatch(dimension.key) or dimension.key == "overall":
            raise SettingsError("key", n)
        if dimension.key in seen:
            raise SettingsError("duplicate_key", n)
        seen.add(dimension.key)
        label_en, label_zh = dimension.label_en.strip(), dimension.label_zh.strip()
        if not label_en or len(label_en) > LABEL_MAX or len(label_zh) > LABEL_MAX:
            raise SettingsError("label", n)
        _check_weight(dimension.weight, n)


def _check_weight(weight: float, item: int | None) -> None:
    if not (math.isfinite(weight) and 0 < weight <= MAX_WEIGHT):
        raise SettingsError("weight", item)


def parse_weights(value: str | Mapping | None) -> dict[str, float]:
    """Rating weights from config: a mapping, or text like "overall=2,attitude=1".

    Empty gives scoring's defaults. ValueError for a malformed entry or a weight that is
    not a finite number >= 0.
    """
    if not value:
        return dict(DEFAULT_WEIGHTS)
    if isinstance(value, str):
        pairs = [item.split("=", 1) for item in value.split(",") if item.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ValueError(f"RATING_WEIGHTS must look like 'overall=1,attitude=1': {value!r}")
        value = {name.strip(): float(weight) for name, weight in pairs}
    weights = {str(name): float(weight) for name, weight in value.items()}
    for name, weight in weights.items():
        if not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"weight of {name} must be a finite number >= 0, not {weight}")
    return weights


def settings_in_force(versions: Iterable[SiteSettings], moment: datetime) -> SiteSettings | None:
    """The version in force at `moment`: the latest effective_from at or before it (the
    newer version wins a tie); None when no stored version has started yet."""
    started = [v for v in versions if v.effective_from <= moment]
    return max(started, key=lambda v: (v.effective_from, v.version), default=None)


def is_period_start(moment: datetime, tz: str, kind: str) -> bool:
    """Whether `moment` is the very first moment of a period of `kind` in time zone `tz`."""
    start, _end = period_bounds(period_key(moment, tz, kind), tz)
    return start == moment


def is_common_period_start(moment: datetime, tz: str, kinds: Iterable[str]) -> bool:
    """Whether `moment` starts a period of every kind in `kinds` (no period is split)."""
    return all(is_period_start(moment, tz, kind) for kind in kinds)


def next_common_period_start(after: datetime, tz: str, kinds: Iterable[str]) -> datetime | None:
    """The first moment after `after` that starts a period of each of `kinds`, or None
    when none comes within SEARCH_YEARS (a Monday 1 January comes within 11)."""
    kinds = tuple(kinds)
    moment = after.astimezone(UTC)
    limit = moment + timedelta(days=366 * SEARCH_YEARS)
    # Every common start is the start of a period of the first kind: walk those.
    while moment < limit:
        _start, moment = period_bounds(period_key(moment, tz, kinds[0]), tz)
        if is_common_period_start(moment, tz, kinds):
            return moment
    return None
