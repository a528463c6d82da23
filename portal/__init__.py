"""The customer blueprint: card pages, rating, verification."""

from flask import Blueprint

bp = Blueprint("portal", __name__)

from portal import views  # noqa: E402,F401  (routes register on import)
from portal import qr  # noqa: E402,F401
from portal import verify  # noqa: E402,F401
from portal import api  # noqa: E402,F401
from portal import stars  # noqa: E402,F401
from portal import campaign_winners  # noqa: E402,F401
