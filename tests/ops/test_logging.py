"""Structured request logs: one JSON line per request, never a token, code or contact."""

import json
import logging
import sys

import pytest
from sqlalchemy import text

from core.extensions import db
from core.observability import JsonFormatter, StderrHandler

TOKEN = "K7Q2M4X9P3R5T8W1"
CODE = "482913"
EMAIL = "alice.customer@example.com"


@pytest.fixture
def log_app(make_app):
    app = make_app()

    @app.get("/probe/card/<token>")
    def card(token):
        return "card"

    @app.post("/probe/leak")
    def leak():
        # A bug that fails with contact data bound into the statement.
        db.session.execute(text("INSERT INTO branch (id, name) VALUES (1, :name)"), {"name": EMAIL})
        db.session.execute(text("INSERT INTO branch (id, name) VALUES (1, :name)"), {"name": EMAIL})
        return "unreachable"

    with app.app_context():
        yield app


def request_lines(stderr: str) -> list[dict]:
    entries = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return [entry for entry in entries if entry.get("event") == "request"]


def test_one_json_line_per_request(log_app, capsys):
    capsys.readouterr()
    log_app.test_client().get("/")
    (entry,) = request_lines(capsys.readouterr().err)
    assert entry["method"] == "GET"
    assert entry["status"] == 200
    assert entry["route"] == "/"
    assert entry["duration_ms"] >= 0
    assert len(entry["request_id"]) == 32


def test_the_direct_line_reads_as_the_formatted_record(log_app, capsys):
    """The request line is written directly while only our handler listens; with another
    handler it goes through logging: the two lines carry the same keys and values."""
    capsys.readouterr()
    records = []
    make_record = logging.getLogRecordFactory()
    logging.setLogRecordFactory(lambda *a, **kw: records.append(a) or make_record(*a, **kw))
    ours = logging.getLogger("service_star")
    captured = ours.handlers[:]  # pytest's capture handlers sit beside ours: not in production
    ours.handlers = [h for h in captured if type(h) is StderrHandler]
    try:
        log_app.test_client().get("/")
    finally:
        ours.handlers = captured
        logging.setLogRecordFactory(make_record)
    (direct,) = request_lines(capsys.readouterr().err)
    assert not [r for r in records if r[0] == "service_star.request"]  # no LogRecord made
    extra = logging.StreamHandler(sys.stderr)
    extra.setFormatter(JsonFormatter())
    logger = logging.getLogger("service_star.request")
    logger.addHandler(extra)
    try:
        log_app.test_client().get("/")
    finally:
        logger.removeHandler(extra)
    formatted = request_lines(capsys.readouterr().err)
    assert len(formatted) == 2  # our handler and the extra one, through logging
    assert formatted[0].keys() == direct.keys()
    for key in ("level", "logger", "message", "event", "method", "route", "status"):
        assert formatted[0][key] == direct[key]


def test_log_names_the_route_pattern_not_the_token(log_app, capsys):
    capsys.readouterr()
    log_app.test_client().get(f"/probe/card/{TOKEN}?code={CODE}&email={EMAIL}")
    stderr = capsys.readouterr().err
    (entry,) = request_lines(stderr)
    assert entry["route"] == "/probe/card/<token>"
    for secret in (TOKEN, CODE, EMAIL):
        assert secret not in stderr


def test_unmatched_path_is_not_logged(log_app, capsys):
    capsys.readouterr()
    log_app.test_client().get(f"/C-typo/{TOKEN}")
    stderr = capsys.readouterr().err
    (entry,) = request_lines(stderr)
    assert entry["status"] == 404
    assert entry["route"] == "<unmatched>"
    assert TOKEN not in stderr


def test_failed_statement_does_not_log_bound_values(log_app, capsys):
    capsys.readouterr()
    response = log_app.test_client().post("/probe/leak")
    stderr = capsys.readouterr().err
    assert response.status_code == 500
    assert "IntegrityError" in stderr
    assert EMAIL not in stderr
    assert EMAIL.encode() not in response.data


def test_response_carries_the_logged_request_id(log_app, capsys):
    capsys.readouterr()
    response = log_app.test_client().get("/")
    (entry,) = request_lines(capsys.readouterr().err)
    assert response.headers["X-Request-ID"] == entry["request_id"]


def test_client_request_id_is_ignored_without_trusted_proxy(log_app):
    response = log_app.test_client().get("/", headers={"X-Request-ID": "chosen-by-client"})
    assert response.headers["X-Request-ID"] != "chosen-by-client"


def test_trusted_proxy_request_id_is_kept(make_app):
    app = make_app(PROXY_FIX_HOPS=1)
    response = app.test_client().get("/", headers={"X-Request-ID": "nginx-4f2a9c"})
    assert response.headers["X-Request-ID"] == "nginx-4f2a9c"


@pytest.mark.parametrize("offered", ["has space", "x" * 65, "line\tbreak", "", '{"json":1}'])
def test_malformed_proxy_request_id_is_replaced(make_app, offered):
    app = make_app(PROXY_FIX_HOPS=1)
    response = app.test_client().get("/", headers={"X-Request-ID": offered})
    assert response.headers["X-Request-ID"] != offered
    assert len(response.headers["X-Request-ID"]) == 32


def test_formatter_writes_extra_fields_as_json():
    record = logging.LogRecord("service_star", logging.INFO, __file__, 1, "hello", (), None)
    record.fields = {"status": 200}
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "hello"
    assert entry["status"] == 200
    assert entry["level"] == "INFO"


def test_unhandled_error_logs_type_and_place_not_message(log_app, capsys):
    @log_app.get("/probe/key-error")
    def key_error():
        return {}[EMAIL]

    capsys.readouterr()
    response = log_app.test_client().get("/probe/key-error")
    stderr = capsys.readouterr().err
    assert response.status_code == 500
    (entry,) = [json.loads(line) for line in stderr.splitlines() if '"unhandled error"' in line]
    assert entry["error"] == "KeyError"
    assert "key_error" in entry["traceback"]
    assert EMAIL not in stderr


def test_server_errors_are_logged_at_error_level(log_app, capsys):
    @log_app.get("/probe/crash")
    def crash():
        raise RuntimeError("boom")

    capsys.readouterr()
    log_app.test_client().get("/probe/crash")
    (entry,) = request_lines(capsys.readouterr().err)
    assert entry["status"] == 500
    assert entry["level"] == "ERROR"


def test_logged_exception_keeps_its_type_but_not_its_message():
    try:
        raise ValueError(f"bad address {EMAIL}")
    except ValueError:
        record = logging.LogRecord(
            "core.services.messaging.mail",
            logging.ERROR,
            __file__,
            1,
            "send failed",
            (),
            sys.exc_info(),
        )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["error"] == "ValueError"
    assert "test_logged_exception" in entry["traceback"]
    assert EMAIL not in json.dumps(entry)
