"""The admin area (bp, under /admin) and the employees' private pages (staff_bp)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
staff_bp = Blueprint("staff", __name__, url_prefix="/me")

from admin import auth  # noqa: E402,F401  (routes register on import)
from admin import audit_log  # noqa: E402,F401
from admin import branches  # noqa: E402,F401
from admin import employee_cards  # noqa: E402,F401
from admin import employees  # noqa: E402,F401
from admin import feedback  # noqa: E402,F401
from admin import followups  # noqa: E402,F401
from admin import users  # noqa: E402,F401
from admin import staff  # noqa: E402,F401
from admin import dashboard  # noqa: E402,F401
from admin import points  # noqa: E402,F401
from admin import rewards  # noqa: E402,F401
from admin import redemptions  # noqa: E402,F401
from admin import exports  # noqa: E402,F401
from admin import rules  # noqa: E402,F401
from admin import awards  # noqa: E402,F401
from admin import campaigns  # noqa: E402,F401
from admin import campaign_reviews  # noqa: E402,F401
from admin import judging  # noqa: E402,F401
from admin import staff_campaign  # noqa: E402,F401
from admin import staff_pages  # noqa: E402,F401
