"""The customer blueprint: card pages, rating, verification."""

from flask import Blueprint

bp = Blueprint("portal", __name__)

from portal import views  # noqa: E402,F401  (routes register on import)
