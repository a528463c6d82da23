"""The admin area (bp, under /admin) and the employees' private pages (staff_bp)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
staff_bp = Blueprint("staff", __name__, url_prefix="/me")
