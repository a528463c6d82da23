"""The scoring and points rules in force: versioned points rules, rating weights, priors."""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.database import begin_write
from core.extensions import db
from core.models import PointsRuleSet, User
from core.services import DomainError
from core.services.audit import record_audit
from scoring.points import PointsRuleError, PointsRules
from scoring.scores import DEFAULT_WEIGHTS
from scoring.tiers import TierError


class InvalidRules(DomainError):
    """The points rules break a scoring rule (message says which)."""


@dataclass(frozen=True)
class ScoreSettings:
    """Bayesian prior weight (imaginary ratings at the period mean) and eligibility minimum."""

    prior_weight: float
    min_count: int


def current_rule_set() -> PointsRuleSet | None:
    """The newest stored rules version, None while the defaults apply."""
    return db.session.scalars(
        select(PointsRuleSet).order_by(PointsRuleSet.id.desc()).limit(1)
    ).first()


def current_points_rules() -> PointsRules:
    """The points rules in force: the newest saved version, else scoring's defaults."""
    rule_set = current_rule_set()
    return PointsRules() if rule_set is None else PointsRules.from_dict(rule_set.rules)


def _rule_broken(error: PointsRuleError | TierError) -> str:
    """The broken rule in words, in the reader's language."""
    if isinstance(error, TierError):
        messages = {
            "first": _l("The first tier starts at the bottom of the scale, 1.0."),
            "order": _l(
                "Tier %(n)d must start at a higher score than the tier before, up to 5.",
                n=error.tier,
            ),
            "multiplier": _l(
                "Tier %(n)d multiplies points by 1 to 3, and by no less than the tier before.",
                n=error.tier,
            ),
            "bonus": _l(
                "Tier %(n)d's bonus is a whole number of points, no less than the tier before.",
                n=error.tier,
            ),
        }
    else:
        messages = {
            "shape": _l("Give points for each of 1 to 5 stars."),
            "whole": _l("Points are whole numbers, zero or more."),
            "decreasing": _l("More stars can never earn fewer points."),
            "steps": _l(
                "Each extra star must add at least as many points as the star before it did."
            ),
            "cap": _l("The surprise cap is a whole number of bonuses, 1 or more, or empty."),
            "standard": _l("Keep each text of the standard to 4,000 characters or fewer."),
        }
    return str(messages[error.problem])


def save_points_rules(rules: PointsRules | Mapping, actor: User | None) -> PointsRuleSet:
    """Store a new rules version (validated by scoring), audit it and commit.

    Earlier versions stay, so points already credited can be explained later.
    """
    try:
        checked = rules if isinstance(rules, PointsRules) else PointsRules.from_dict(rules)
    except (PointsRuleError, TierError) as error:
        raise InvalidRules(_rule_broken(error)) from error
    except (TypeError, ValueError) as error:
        raise InvalidRules(_l("These rules cannot be read; nothing was saved.")) from error
    begin_write()
    before = current_points_rules().to_dict()
    rule_set = PointsRuleSet(
        rules=checked.to_dict(), created_by_id=actor.id if actor is not None else None
    )
    db.session.add(rule_set)
    db.session.flush()
    record_audit(
        "points_rules.save", "points_rules", rule_set.id, before, checked.to_dict(), user=actor
    )
    db.session.commit()
    return rule_set


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


def current_weights() -> dict[str, float]:
    """Weights of overall and the rating dimensions (config RATING_WEIGHTS).

    Without RATING_WEIGHTS, overall and every configured RATING_DIMENSIONS key weigh 1,
    so a dimension added to the form counts without a second setting.
    """
    config = current_app.config
    if config.get("RATING_WEIGHTS"):
        return parse_weights(config["RATING_WEIGHTS"])
    dimensions = config.get("RATING_DIMENSIONS")
    if not dimensions:
        return dict(DEFAULT_WEIGHTS)
    return {"overall": 1.0, **{key: 1.0 for key, _label in dimensions}}


def score_settings() -> ScoreSettings:
    """Prior weight (SCORE_PRIOR_WEIGHT, default 5) and minimum count (SCORE_MIN_COUNT, 3)."""
    config = current_app.config
    return ScoreSettings(
        prior_weight=float(config.get("SCORE_PRIOR_WEIGHT", 5)),
        min_count=int(config.get("SCORE_MIN_COUNT", 3)),
    )
