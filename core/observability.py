"""Structured logs: one JSON line per request, with no token, secret, contact or code in it.

A request is logged by its route pattern ("/C/<token>"), never by its real path or query
string, because card tokens, private-link secrets and codes travel in URLs.
"""

import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, request
from sqlalchemy.exc import DBAPIError

# The app's own loggers: ours, and the modules' getLogger(__name__) in each package.
APP_LOGGERS = ("service_star", "core", "portal", "admin")
REQUEST_LOGGER_NAME = "service_star.request"
REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only when it looks like an id, so it cannot smuggle data into logs.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,64}")
UNMATCHED_ROUTE = "<unmatched>"


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object: time, level, logger, message and its fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info and record.exc_info[1] is not None:
            entry.update(describe_safely(record.exc_info[1]))
        return json.dumps(entry, ensure_ascii=False, default=str)


def describe_safely(error: BaseException) -> dict:
    """Type, code location and SQL of an error, without its message.

    Messages carry data: PostgreSQL's DETAIL repeats the failing row (a contact, a code),
    and a KeyError names its key. The frames and the parameterised SQL are enough to debug.
    """
    fields = {
        "error": type(error).__name__,
        "traceback": "".join(traceback.format_tb(error.__traceback__)),
    }
    if isinstance(error, DBAPIError):
        fields["sqlstate"] = getattr(error.orig, "sqlstate", None)
        fields["driver_error"] = type(error.orig).__name__
        fields["statement"] = error.statement
    return fields


class StderrHandler(logging.StreamHandler):
    """Write to whatever sys.stderr is at the time of each line (it may be swapped)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging(level: str) -> None:
    """Send the app's logs to stderr as JSON lines (once per process)."""
    for name in APP_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level.upper())
        if not any(isinstance(h, StderrHandler) for h in logger.handlers):
            handler = StderrHandler()
            handler.setFormatter(JsonFormatter())
            logger.addHandler(handler)
        # gunicorn and pytest configure the root logger; do not print every line twice.
        logger.propagate = False


def request_id() -> str:
    """The current request's id (from a trusted proxy, or generated)."""
    return g.get("request_id") or ""


def _incoming_request_id() -> str:
    # Only a configured reverse proxy may name the request; anyone else gets a fresh id.
    trust_proxy = int(current_app.config.get("PROXY_FIX_HOPS") or 0) > 0
    offered = request.headers.get(REQUEST_ID_HEADER, "") if trust_proxy else ""
    if REQUEST_ID_PATTERN.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def start_request() -> None:
    """Note when the request started and which id it carries."""
    g.request_started = time.perf_counter()
    g.request_id = _incoming_request_id()


def _route_pattern() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED_ROUTE


_request_log = logging.getLogger(REQUEST_LOGGER_NAME)
_encode = json.JSONEncoder(ensure_ascii=False, default=str).encode


def _only_our_stderr() -> StderrHandler | None:
    """The request logger's one handler, when it is ours (else other handlers may want
    the record: the line then goes through logging as usual)."""
    handlers = _request_log.handlers
    if len(handlers) == 1 and type(handlers[0]) is StderrHandler and not _request_log.propagate:
        return handlers[0]
    return None


def _write_line(handler: StderrHandler, level: int, fields: dict) -> None:
    """The line JsonFormatter would write, built directly: every request pays for it, and
    a LogRecord (with the caller's frame looked up) costs more than the line itself."""
    entry = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "level": logging.getLevelName(level),
        "logger": REQUEST_LOGGER_NAME,
        "message": "request",
        **fields,
    }
    line = _encode(entry) + "\n"
    with handler.lock:
        sys.stderr.write(line)


def log_request(response):
    """Log the finished request as one line and echo its id to the client."""
    level = logging.ERROR if response.status_code >= 500 else logging.INFO
    if _request_log.isEnabledFor(level):
        started = g.get("request_started")
        fields = {
            "event": "request",
            "request_id": request_id(),
            "method": request.method,
            "route": _route_pattern(),
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
        }
        handler = _only_our_stderr()
        if handler is not None:
            _write_line(handler, level, fields)
        else:
            _request_log.log(level, "request", extra={"fields": fields})
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def init_app(app: Flask) -> None:
    """Register the request id and the request log; call before other before_request hooks."""
    configure_logging(app.config.get("LOG_LEVEL", "INFO"))
    app.before_request(start_request)
    app.after_request(log_request)
