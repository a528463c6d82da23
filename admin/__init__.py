"""The admin area (bp, under /admin) and the employees' private pages (staff_bp)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
staff_bp = Blueprint("staff", __name__, url_prefix="/me")

# Route modules register their views on the blueprints above when imported.
from admin import (  # noqa: E402, F401
    audit_log,
    auth,
    awards,
    branches,
    campaign_reviews,
    campaigns,
    dashboard,
    employee_cards,
    employees,
    exports,
    feedback,
    followups,
    judging,
    points,
    redemptions,
    rewards,
    rules,
    staff,
    staff_campaign,
    staff_pages,
    users,
)
