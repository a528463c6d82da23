"""Whose page it is: the employee of the secret in the URL, and how often it may be asked."""

from flask import abort

from core.models import Employee
from core.services.people.employees import employee_for_secret

# Generous for a person, useless for guessing a 256-bit secret.
PAGE_LIMIT = "60/minute"
# A person submits a handful of campaign forms; a burst means a script.
POST_LIMIT = "20/minute"


def employee_or_404(secret: str) -> Employee:
    """The active employee whose private link carries `secret`; 404 for any other secret."""
    employee = employee_for_secret(secret)
    if employee is None:
        abort(404)
    return employee
