"""The employees' private pages (bp, under /me), opened by a secret link without signing in.

The secret is in the URL, so core.security sends every page of this blueprint with
Cache-Control: no-store and Referrer-Policy: no-referrer.
"""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/me")

# Route modules register their views on the blueprint above when imported.
from staff import campaign, noticeboard, views  # noqa: E402, F401
