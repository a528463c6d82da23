"""The scoring and points rules in force: versioned points rules, rating weights, priors."""

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
from core.services.settings import current_settings
from scoring.points import PointsRuleError, PointsRules
from scoring.site_settings import parse_weights  # noqa: F401 (its old home; tests import it)
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


def current_weights() -> dict[str, float]:
    """Weights of overall and the rating dimensions in the site settings in force now
    (core.services.settings; first from config RATING_WEIGHTS and RATING_DIMENSIONS)."""
    return current_settings().weights


def score_settings() -> ScoreSettings:
    """Prior weight (SCORE_PRIOR_WEIGHT, default 5) and minimum count (SCORE_MIN_COUNT, 3)."""
    config = current_app.config
    return ScoreSettings(
        prior_weight=float(config.get("SCORE_PRIOR_WEIGHT", 5)),
        min_count=int(config.get("SCORE_MIN_COUNT", 3)),
    )
