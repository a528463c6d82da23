"""The employee's private page, opened by a secret link: their QR card, to see and print.

The secret is in the URL, so core.security sends every staff page with
Cache-Control: no-store and Referrer-Policy: no-referrer.
"""

from flask import abort, render_template

from admin import staff_bp
from admin.cards_print import card_view
from core.extensions import limiter
from core.services.people.employees import employee_for_secret

# Generous for a person, useless for guessing a 256-bit secret.
STAFF_PAGE_LIMIT = "60/minute"


def _employee_or_404(secret: str):
    employee = employee_for_secret(secret)
    if employee is None:
        abort(404)
    return employee


@staff_bp.get("/<secret>")
@limiter.limit(STAFF_PAGE_LIMIT)
def page(secret: str):
    """The private page: the employee's card with a print button."""
    employee = _employee_or_404(secret)
    return render_template(
        "staff/page.html", employee=employee, card=card_view(employee), secret=secret
    )


@staff_bp.get("/<secret>/card")
@limiter.limit(STAFF_PAGE_LIMIT)
def card(secret: str):
    """The employee's card alone, one per A4 page, ready to print."""
    employee = _employee_or_404(secret)
    return render_template(
        "staff/card.html", employee=employee, card=card_view(employee), secret=secret
    )
