"""The customer blueprint: card pages, rating, verification."""

from flask import Blueprint

bp = Blueprint("portal", __name__)

# Route modules register their views on the blueprints above when imported.
from portal import (  # noqa: E402, F401
    api,
    campaign_winners,
    qr,
    stars,
    verify,
    views,
)
