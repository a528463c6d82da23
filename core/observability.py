"""Structured logs: one JSON line per request, with no token, secret, contact or code in it.

A request is logged by its route pattern ("/C/<token>"), never by its real path or query
string, because card tokens, private-link secrets and codes travel in URLs.
"""

import json
import logging
import re
import sys
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask
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


def new_request_id(offered: str, trust_proxy: bool) -> str:
    """A proxy's id when a proxy is trusted and the id looks like one; else a fresh id."""
    if trust_proxy and REQUEST_ID_PATTERN.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


_request_log = logging.getLogger(REQUEST_LOGGER_NAME)
_encode = json.JSONEncoder(ensure_ascii=False, default=str).encode


def _only_our_stderr(level: int) -> StderrHandler | None:
    """The one handler the request line reaches, when it is ours and nothing filters.

    The request logger has no handler of its own: its line goes up to "service_star".
    With any other handler or filter on the way, the line goes through logging as usual.
    """
    logger = _request_log
    while not logger.handlers and logger.propagate and logger.parent is not None:
        if logger.filters:
            return None
        logger = logger.parent
    handlers = logger.handlers
    if len(handlers) != 1 or logger.propagate or logger.filters:
        return None
    handler = handlers[0]
    if type(handler) is not StderrHandler or handler.filters or level < handler.level:
        return None
    return handler


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


def write_request_line(level: int, fields: dict) -> None:
    """Write one request's line: directly while only our stderr handler listens."""
    handler = _only_our_stderr(level)
    if handler is not None:
        _write_line(handler, level, fields)
    else:
        _request_log.log(level, "request", extra={"fields": fields})


def log_request(environ, status: str, route, endpoint, request_id: str, duration_ms: float):
    """Log a finished request as one line, by its route pattern, never its path."""
    code = int(status[:3])
    level = logging.ERROR if code >= 500 else logging.INFO
    if _request_log.isEnabledFor(level):
        fields = {
            "event": "request",
            "request_id": request_id,
            "method": environ["REQUEST_METHOD"],
            "route": route,
            "endpoint": endpoint,
            "status": code,
            "duration_ms": round(duration_ms, 2),
        }
        write_request_line(level, fields)


def init_app(app: Flask) -> None:
    """Log as JSON lines; each request's id and line come from core/envelope.py."""
    configure_logging(app.config.get("LOG_LEVEL", "INFO"))
