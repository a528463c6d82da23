"""Error pages: translated, never a stack trace; database faults become a 503, rolled back.

A database that is down, read-only or out of disk space raises inside the one commit of a
service, so nothing is half-written: the session is rolled back here, the visitor reads
"not saved, please try again", and the next request gets a fresh connection from the pool
(pool_pre_ping), so the site recovers without a restart once the database is back.
"""

import logging
import time

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from core.database import discard_session
from core.extensions import limiter
from core.observability import describe_safely
from core.waits import wait_text

log = logging.getLogger("service_star.errors")

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please go back and try again."),
    ),
    403: (_l("Not allowed"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("We could not find this page. Please check the link.")),
    405: (_l("Not allowed"), _l("This action is not available here.")),
    413: (_l("Too large"), _l("What you sent is too large. Please send less.")),
    429: (_l("Too many attempts"), _l("Too many attempts. Please wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("Something went wrong on our side. Please try again.")),
    503: (
        _l("Please try again"),
        _l("The service is briefly unavailable. Please try again in a moment."),
    ),
}
NOT_SAVED = _l("Not saved, please try again. Nothing you sent was stored.")
RETRY_AFTER_SECONDS = 5
# PostgreSQL SQLSTATEs that mean "the database cannot take writes right now" but arrive
# outside OperationalError: read-only transaction (hot standby, default_transaction_read_only).
UNAVAILABLE_SQLSTATES = {"25006"}
# Classes 08 connection, 53 insufficient resources (disk full, too many connections),
# 57 operator intervention (shutdown, statement timeout).
UNAVAILABLE_SQLSTATE_CLASSES = {"08", "53", "57"}


def render_error(code: int, message=None):
    """The translated error page for an HTTP status; a bare page if the template fails."""
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    message = message or default_message
    try:
        body = render_template("errors/error.html", code=code, title=title, message=message)
    except Exception as failure:
        # The layout may need something that is broken (the database behind current_user).
        fields = {"status": code, **describe_safely(failure)}
        log.error("error page template failed", extra={"fields": fields})
        body = f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1>"
        body += f"<p>{escape(message)}</p>"
    headers = {}
    if code >= 500:
        # A proxy must never keep serving a "try again" page after the fault is gone.
        headers["Cache-Control"] = "no-store"
    if code == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return body, code, headers


def is_database_unavailable(error: Exception) -> bool:
    """Is this a fault of the database's availability (down, read-only, full), not a bug?"""
    if isinstance(error, OperationalError | InterfaceError | PoolTimeoutError):
        return True
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None) or ""
    return sqlstate in UNAVAILABLE_SQLSTATES or sqlstate[:2] in UNAVAILABLE_SQLSTATE_CLASSES


def seconds_until_limit_resets() -> int | None:
    """When the breached rate limit lets this client in again.

    Only a 429 reads it: Flask-Limiter's X-RateLimit-* headers are off, because they cost
    a round trip to the limit storage on every limited request (a tenth of a rating POST).
    """
    breached = limiter.current_limit
    if breached is None:
        return None
    try:
        return max(1, breached.reset_at - int(time.time()))
    except Exception:  # the storage went away since the breach: no header, not a 500
        return None


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if error.code != 429:
        return render_error(error.code)
    seconds = seconds_until_limit_resets()
    message = None if seconds is None else wait_message(seconds)
    body, code, headers = render_error(429, message)
    return body, code, {**headers, **retry_after(seconds)}


def wait_message(seconds: int) -> str:
    """The 429 message that says how long to wait."""
    return _("Too many attempts. Please wait %(wait)s and try again.", wait=wait_text(seconds))


def retry_after(seconds: int | None) -> dict:
    """The Retry-After header of a 429, when the limit's reset is known."""
    return {} if seconds is None else {"Retry-After": str(seconds)}


def handle_database_error(error: Exception):
    """Roll back; a database outage is a 503 "not saved", any other database error a 500."""
    discard_session()
    if not is_database_unavailable(error):
        return handle_unexpected(error)
    log.warning(
        "database unavailable",
        extra={"fields": {"error": type(error).__name__, "sqlstate": _sqlstate(error)}},
    )
    writing = request.method not in ("GET", "HEAD", "OPTIONS")
    return render_error(503, NOT_SAVED if writing else None)


def handle_unexpected(error: Exception):
    discard_session()
    log.error("unhandled error", extra={"fields": {"status": 500, **describe_safely(error)}})
    return render_error(500)


def _sqlstate(error: Exception) -> str | None:
    return getattr(getattr(error, "orig", None), "sqlstate", None)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(PoolTimeoutError, handle_database_error)
    if not app.config.get("PROPAGATE_EXCEPTIONS"):
        app.register_error_handler(Exception, handle_unexpected)
