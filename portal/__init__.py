"""The customer blueprint: card pages, rating, verification."""

from flask import Blueprint

bp = Blueprint("portal", __name__)


@bp.record_once
def _set_up(state) -> None:
    from portal import card_page

    card_page.init_app(state.app)


# Route modules register their views on the blueprints above when imported.
from portal import (  # noqa: E402, F401
    api,
    brand,
    callback,
    cross_site,
    limits,
    qr,
    stars,
    till,
    verify,
    views,
)
