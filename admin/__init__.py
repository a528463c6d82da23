"""The admin area (bp, under /admin); the employees' own pages are the staff package."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Route modules register their views on the blueprint above when imported.
from admin import (  # noqa: E402, F401
    audit_log,
    auth,
    awards,
    branches,
    campaign_retrospective,
    campaign_reviews,
    campaigns,
    dashboard,
    employee_cards,
    employees,
    exports,
    feedback,
    followups,
    judging,
    leaderboards,
    objections,
    offline_votes,
    place_rewards,
    points,
    receipt_codes,
    redemptions,
    rewards,
    rules,
    settings,
    users,
)
