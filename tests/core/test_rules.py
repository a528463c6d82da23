"""The rules in force: versioned points rules, rating weights and score settings."""

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEntry, PointsRuleSet, Role
from core.services.points.rules import (
    InvalidRules,
    current_points_rules,
    current_weights,
    parse_weights,
    save_points_rules,
    score_settings,
)
from scoring.points import PointsRules
from tests.factories import make_user


def test_defaults_apply_before_any_rules_are_saved(app):
    assert current_points_rules() == PointsRules(per_star=(0, 0, 1, 3, 5), surprise_bonus=5)


def test_newest_saved_rules_are_in_force_and_older_ones_are_kept(app):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    save_points_rules(PointsRules(per_star=(0, 1, 2, 3, 4)), admin)
    saved = save_points_rules({"per_star": [0, 0, 2, 4, 8], "surprise_bonus": 3}, admin)
    assert current_points_rules() == PointsRules(per_star=(0, 0, 2, 4, 8), surprise_bonus=3)
    assert saved.created_by_id == admin.id
    assert db.session.scalar(select(func.count()).select_from(PointsRuleSet)) == 2


def test_saving_rules_is_audited_with_before_and_after(app):
    save_points_rules(PointsRules(per_star=(0, 1, 2, 3, 4)), None)
    entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.action == "points_rules.save"
    assert entry.before["per_star"] == [0, 0, 1, 3, 5]
    assert entry.after["per_star"] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    "rules",
    [
        {"per_star": [5, 4, 3, 2, 1]},
        {"per_star": [0, 1, 2, 3]},
        {"per_star": [0, 2, 3, 4, 5]},
        {"per_star": [0, 0, 1, 3, 5], "surprise_bonus": -1},
        {"per_star": [0, 0, 1, 3, 5], "bonus": 5},
        {"per_star": "01235"},
    ],
)
def test_rules_that_break_a_scoring_rule_are_refused(app, rules):
    with pytest.raises(InvalidRules):
        save_points_rules(rules, None)
    assert db.session.scalar(select(func.count()).select_from(PointsRuleSet)) == 0


@pytest.mark.parametrize(
    ("rules", "words"),
    [
        ({"per_star": [5, 4, 3, 2, 1]}, "More stars can never earn fewer points."),
        ({"per_star": [0, 2, 3, 4, 5]}, "Each extra star must add at least as many points"),
        ({"per_star": [0, 1, 2, 3]}, "Give points for each of 1 to 5 stars."),
        (
            {"tiers": [{"min_score": 1.0, "multiplier": 1.5, "bonus": 0},
                       {"min_score": 4.0, "multiplier": 1.2, "bonus": 9}]},
            "Tier 2 multiplies points by 1 to 3, and by no less than the tier before.",
        ),
        ({"bonus": 5}, "These rules cannot be read"),
    ],
)  # fmt: skip
def test_a_refusal_says_which_rule_in_words_not_python_lists(app, rules, words):
    with pytest.raises(InvalidRules) as refused:
        save_points_rules(rules, None)

    assert words in str(refused.value)
    assert "[" not in str(refused.value)


def test_weights_come_from_config_text(app):
    app.config["RATING_WEIGHTS"] = "overall=2, attitude=1,skill=0.5"
    # A configured dimension the text leaves out is asked but not counted (weight 0).
    assert current_weights() == {"overall": 2.0, "attitude": 1.0, "skill": 0.5, "efficiency": 0.0}


def test_weights_default_to_overall_and_every_configured_dimension(app):
    app.config.update(RATING_WEIGHTS="", RATING_DIMENSIONS=(("speed", "Speed"), ("care", "Care")))
    assert current_weights() == {"overall": 1.0, "speed": 1.0, "care": 1.0}


@pytest.mark.parametrize("text", ["overall", "overall=x", "overall=-1", "skill=inf", "a=1,b"])
def test_malformed_weights_are_refused(text):
    with pytest.raises(ValueError):
        parse_weights(text)


def test_score_settings_come_from_config(app):
    app.config.update(SCORE_PRIOR_WEIGHT=10.0, SCORE_MIN_COUNT=7)
    settings = score_settings()
    assert (settings.prior_weight, settings.min_count) == (10.0, 7)
